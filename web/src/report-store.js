// The device's copy of its reports, in IndexedDB: a report is written here before anything is
// sent, and every change of its state is written before the page acts on it, so reloading,
// closing the tab or restarting the phone loses nothing. One object store keyed by the report's
// Idempotency-Key; beside it the device's signing key and its registrations (report-sign.js).
const DB = 'truceline-report';
const STORE = 'reports';
const DEVICE = 'device';

let opened = null;

function open() {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 2);
    req.onupgradeneeded = () => {
      const names = req.result.objectStoreNames;
      if (!names.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'key' });
      if (!names.contains(DEVICE)) req.result.createObjectStore(DEVICE, { keyPath: 'name' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opened;
}

// Resolves once the transaction has committed (not merely once the request succeeded): only
// then is the report on disk.
async function run(mode, work, store = STORE) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode, { durability: 'strict' });
    let result;
    const req = work(tx.objectStore(store));
    if (req) req.onsuccess = () => { result = req.result; };
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('the report store refused the write'));
  });
}

export const putReport = (r) => run('readwrite', (s) => s.put(r));
export const getReport = (key) => run('readonly', (s) => s.get(key));
export const allReports = () => run('readonly', (s) => s.getAll());
export const getDevice = (name) => run('readonly', (s) => s.get(name), DEVICE);
export const putDevice = (item) => run('readwrite', (s) => s.put(item), DEVICE);

// Forgets settled reports (recorded or refused) filed before `before`: the record keeps them; the
// device need not.
export async function pruneSettled(before) {
  const old = (await allReports()).filter((r) => (r.state === 'recorded' || r.state === 'refused') && r.filed < before);
  if (old.length) await run('readwrite', (s) => { for (const r of old) s.delete(r.key); });
  return old.length;
}

// Asks the browser not to clear this origin's storage when space runs short: queued reports
// live nowhere else. Browsers may say no; the app works either way.
export function askToPersist() {
  return navigator.storage?.persist?.().catch(() => false) ?? Promise.resolve(false);
}
