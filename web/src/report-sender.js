// Sends the queued reports: on page load, when the browser says it is online again, when the
// page comes back to the screen, when a report is filed, and otherwise on the backoff of
// report-queue.js. Each state is written to IndexedDB before the next step, and one tab at a time
// sends (a Web Lock), though the Idempotency-Key would make two senders harmless anyway.
import { allReports, putReport } from './report-store.js';
import { answered, isDue, needsLookUp, nextWake, notYet, placed, resumed, sending, unanswered } from './report-queue.js';

// A request that has had no answer in this long is given up and retried later with the same key.
const REQUEST_TIMEOUT_MS = 30000;
// A record's log entry is integrated within milliseconds of its commit; look again after this.
const LOG_INDEX_RETRY_MS = 3000;

function retryAfterS(res) {
  const v = Number(res.headers.get('Retry-After'));
  return Number.isFinite(v) && v > 0 ? v : null;
}

export class Sender {
  // token(): the observer's token or null; changed(report): a report's new state, once stored;
  // blocked(message): the server refused the token (the reports wait for another); signer: the
  // device's key (report-sign.js), or null to send with the token alone.
  constructor({ token, changed, blocked, signer = null }) {
    this.token = token;
    this.signer = signer;
    this.changed = changed;
    this.blocked = blocked;
    this.timer = null;
    this.running = null;
    this.again = false;
  }

  start() {
    window.addEventListener('online', () => this.flush({ all: true }));
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') this.flush({ all: true }); });
    return this.flush({ all: true, resume: true });
  }

  // `all`: send every queued report now, whatever its backoff (something suggests the
  // connection is back). `resume`: requeue reports a closed page left "sending".
  flush(opts = {}) {
    if (this.running) {
      this.again = true;
      this.pending = { all: this.pending?.all || opts.all, resume: this.pending?.resume || opts.resume };
      return this.running;
    }
    this.running = this.locked(() => this.round(opts)).finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        const next = this.pending;
        this.pending = null;
        this.flush(next);
      }
    });
    return this.running;
  }

  locked(work) {
    return navigator.locks ? navigator.locks.request('truceline-report-sender', work) : work();
  }

  async round({ all = false, resume = false }) {
    clearTimeout(this.timer);
    let reports = await allReports();
    if (resume) {
      for (const r of reports.filter((x) => x.state === 'sending')) await this.save(resumed(r));
      reports = await allReports();
    }
    for (const r of reports.sort((a, b) => a.filed - b.filed)) {
      if (!this.token()) break;
      if (r.state === 'queued' && (all || isDue(r, Date.now()))) {
        const after = await this.send(r);
        if (after.blocked) return this.blocked(after.error);
      } else if (needsLookUp(r)) {
        await this.lookUp(r);
      }
    }
    this.schedule(await allReports());
  }

  schedule(reports) {
    const at = nextWake(reports);
    if (at == null) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, at - Date.now()));
  }

  async save(r) {
    await putReport(r);
    this.changed(r);
    return r;
  }

  // Signed before its first try, never later: a report once sent unsigned keeps its bytes, lest
  // its Idempotency-Key meet a different request.
  async signed(r) {
    if (!this.signer || r.envelope || r.attempts > 1) return r;
    return this.save({ ...r, envelope: await this.signer.envelope(r.body) });
  }

  // The device's key registered for this token before its first signed report goes: null once it
  // is, else the answer that stopped it ({status: 0} for none). Registering again is harmless:
  // the server keeps a submitter's key once.
  async register() {
    const token = this.token();
    if (await this.signer.keyidFor(token)) return null;
    let res;
    try {
      res = await fetch('/v1/keys', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ public_key: this.signer.publicKey, device: 'observer app' }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch {
      return { status: 0 };
    }
    const body = await res.json().catch(() => null);
    if (res.status !== 201) return { status: res.status, body };
    await this.signer.registered(token, body.keyid);
    return null;
  }

  async send(queued) {
    const r = await this.signed(await this.save(sending(queued, Date.now())));
    if (r.envelope) {
      const stopped = await this.register();
      if (stopped?.status === 0) return this.save(unanswered(r, Date.now()));
      if (stopped?.status === 401 || stopped?.status === 403) return this.save(answered(r, stopped, Date.now()));
      if (stopped) return this.save(notYet(r, Date.now(), `the device key was not registered: ${stopped.body?.error?.message ?? stopped.status}`));
    }
    let res;
    try {
      res = await fetch('/v1/observations', {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.token()}`, 'Content-Type': 'application/json',
          'Idempotency-Key': r.key, Accept: 'application/json' },
        body: r.envelope ?? r.body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch {
      return this.save(unanswered(r, Date.now()));
    }
    const body = await res.json().catch(() => null);
    const after = await this.save(answered(r, { status: res.status, body, retryAfterS: retryAfterS(res) }, Date.now()));
    if (after.state === 'recorded') await this.lookUp(after);
    return after;
  }

  // The record as the server keeps it: its placement, and its entry in the public log. A miss
  // (offline again, the entry not yet integrated) is tried again on a later round.
  async lookUp(r) {
    try {
      const res = await fetch(`/v1/observations/${encodeURIComponent(r.id)}`, {
        headers: { Authorization: `Bearer ${this.token()}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (!res.ok) return r;
      const after = await this.save(placed(r, await res.json()));
      if (needsLookUp(after)) setTimeout(() => this.flush(), LOG_INDEX_RETRY_MS);
      return after;
    } catch {
      return r;
    }
  }
}
