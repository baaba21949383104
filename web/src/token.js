// The API token: taken from the address's fragment (`/#token=…`, which browsers never send to a
// server) or the token form, and kept in sessionStorage, so it lasts as long as the tab and no
// longer. The fragment is removed from the address bar once read.
const KEY = 'truceline.token';

export function tokenFromHash(hash) {
  const m = /^#(?:.*&)?token=([^&]*)/.exec(hash ?? '');
  return m && m[1] ? decodeURIComponent(m[1]) : null;
}

// The incident a link opens (`/#incident=i-17`, as CoT events link back here; docs/cot.md).
export function incidentFromHash(hash) {
  const m = /^#(?:.*&)?incident=(i-[0-9]+)(?:&|$)/.exec(hash ?? '');
  return m ? m[1] : null;
}

export function takeToken(loc = window.location, storage = window.sessionStorage, history = window.history) {
  const fromHash = tokenFromHash(loc.hash);
  if (fromHash) {
    storage.setItem(KEY, fromHash);
    history.replaceState(null, '', loc.pathname + loc.search);
  }
  return storage.getItem(KEY);
}

export function saveToken(token, storage = window.sessionStorage) {
  storage.setItem(KEY, token);
}

export function forgetToken(storage = window.sessionStorage) {
  storage.removeItem(KEY);
}
