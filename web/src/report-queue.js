// A report's life on the device, as pure transitions over plain objects (the store writes each
// new state to IndexedDB before anything else happens, so a closed tab resumes where it was):
//
//   queued ──send──► sending ──201──► recorded
//     ▲                 │ ──4xx (not 408/429, 401/403)──► refused   (the server's reason; not retried)
//     └──no answer, 408, 429, 5xx, 401/403 (backoff)──┘
//
// The Idempotency-Key is made once, when the report is filed, and the body (or its signed envelope,
// report-sign.js) is kept as the exact bytes first sent: every retry is the same request, so a report whose 201 was lost on the way
// back is replayed by the server (Idempotent-Replayed: true) instead of recorded twice.

export const BACKOFF_FIRST_MS = 1000;
// A phone that has been out of reach for an hour should not wait long once it is back.
export const BACKOFF_MAX_MS = 30000;

// The wait after `attempts` failed tries: doubling from a second up to half a minute, spread by
// ±25 % (`rand` in [0, 1)) so that a patrol's phones coming back together do not send in step.
export function backoffMs(attempts, rand = Math.random()) {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + 0.5 * rand));
}

export function newReport(observation, key, now) {
  return { key, filed: now, body: JSON.stringify(observation), observation, state: 'queued', attempts: 0,
    nextAttempt: now, error: null };
}

// A report left "sending" by a page that closed mid-request may or may not have reached the
// record: it is queued again, and the same key makes the resend harmless either way.
export function resumed(r) {
  return r.state === 'sending' ? { ...r, state: 'queued', nextAttempt: 0 } : r;
}

export function isDue(r, now) {
  return r.state === 'queued' && (r.nextAttempt ?? 0) <= now;
}

export function sending(r, now) {
  return { ...r, state: 'sending', attempts: (r.attempts ?? 0) + 1, lastAttempt: now };
}

function retryLater(r, now, error, rand, atLeastMs = 0) {
  return { ...r, state: 'queued', nextAttempt: now + Math.max(atLeastMs, backoffMs(r.attempts, rand)), error };
}

// The server's answer: `status`, its JSON `body` (or null) and `retryAfterS` (Retry-After, or
// null). 401 and 403 are about the token, not the report: it waits for a token that may submit
// (`blocked`), where refusing it would lose a good report to a mistyped token.
export function answered(r, { status, body, retryAfterS = null }, now, rand = Math.random()) {
  if (status === 200 || status === 201) {
    return { ...r, state: 'recorded', id: body?.id ?? body?.ids?.[0] ?? null, recordedAt: now, error: null, blocked: null };
  }
  const message = body?.error?.message ?? `the server answered ${status}`;
  if (status === 401 || status === 403) return { ...retryLater(r, now, message, rand), blocked: 'token' };
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return { ...r, state: 'refused', error: message, field: body?.error?.field ?? null };
  }
  return retryLater(r, now, message, rand, (retryAfterS ?? 0) * 1000);
}

// Not sent, for a reason of the device's own (its key not yet registered): tried again later.
export function notYet(r, now, error, rand = Math.random()) {
  return retryLater(r, now, error, rand);
}

// No answer at all: offline, the server down, the connection dropped mid-request.
export function unanswered(r, now, rand = Math.random()) {
  return retryLater(r, now, 'no connection', rand);
}

// What the record says once it is there (GET /v1/observations/{id}): where the server placed the
// event and the report's entry in the public log (null for the moment before it is integrated).
export function placed(r, record) {
  return { ...r, placement: record.placement ?? null, log_index: record.log_index ?? null, lookups: (r.lookups ?? 0) + 1 };
}

// A recorded report is looked up again while its log entry is missing, a few times at most.
export const MAX_LOOKUPS = 5;
export function needsLookUp(r) {
  return r.state === 'recorded' && r.id != null && (r.placement == null || r.log_index == null) && (r.lookups ?? 0) < MAX_LOOKUPS;
}

// When the next queued report falls due, or null when none waits.
export function nextWake(reports) {
  const times = reports.filter((r) => r.state === 'queued').map((r) => r.nextAttempt ?? 0);
  return times.length ? Math.min(...times) : null;
}

// The list the observer sees: the reports filed since local midnight, and any older one not yet
// settled (a report still queued from yesterday is never hidden), newest first.
export function ofTheDay(reports, now) {
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  return reports.filter((r) => r.filed >= midnight.getTime() || r.state === 'queued' || r.state === 'sending')
    .sort((a, b) => b.filed - a.filed);
}

// "3 queued, 1 recorded" for the header.
export function tally(reports) {
  const n = {};
  for (const r of reports) n[r.state] = (n[r.state] ?? 0) + 1;
  return ['queued', 'sending', 'recorded', 'refused'].filter((s) => n[s]).map((s) => `${n[s]} ${s}`).join(', ');
}
