// The monitoring API as the dashboard uses it (docs/api.md): fetches carry the token in the
// Authorization header; EventSource cannot set headers, so streams carry it as ?access_token=.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export class Api {
  constructor(token, origin = window.location.origin) {
    this.token = token;
    this.origin = origin;
  }

  url(path, params = {}) {
    const u = new URL(path, this.origin);
    for (const [k, v] of Object.entries(params)) if (v != null && v !== '') u.searchParams.set(k, v);
    return u;
  }

  async get(path, params) {
    const res = await fetch(this.url(path, params), {
      headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json' },
    });
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new ApiError(res.status, body?.error?.message ?? `${path} answered ${res.status}`);
    return body;
  }

  // Every incident, page by page (the API gives at most 1,000 a page).
  async allIncidents(maxPages = 100) {
    const out = [];
    let cursor = null;
    for (let page = 0; page < maxPages; ++page) {
      const r = await this.get('/v1/incidents', { limit: 1000, cursor });
      out.push(...r.incidents);
      cursor = r.next_cursor;
      if (!cursor) break;
    }
    return out;
  }

  // Alerts raised at or after `since` (ISO 8601), oldest first, page by page from `cursor` (the
  // listing gives at most 1,000 a page, oldest first): only the newest `keep` are returned.
  async alertsSince(since, keep, cursor = null, maxPages = 100) {
    let out = [];
    for (let page = 0; page < maxPages; ++page) {
      const r = await this.get('/v1/alerts', { since, limit: 1000, cursor });
      out = out.concat(r.alerts).slice(-keep);
      cursor = r.next_cursor;
      if (!cursor) break;
    }
    return out;
  }

  stream(path) {
    return new EventSource(this.url(path, { access_token: this.token }));
  }
}

// /v1/health needs no token: it names the plan before anyone has signed in.
export async function health(origin = window.location.origin) {
  const res = await fetch(new URL('/v1/health', origin));
  return res.ok ? res.json() : null;
}
