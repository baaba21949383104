// Posts an observations CSV (as `truceline simulate` writes it) to a running `truceline serve`,
// through the API like any client: in batches, then — with --live N — the last N one at a time,
// so that a dashboard shows incidents arriving. Used by scripts/demo.sh (`make run`).
//
//   node web/tools/post-observations.mjs --url http://127.0.0.1:8080 --token TOKEN --csv obs.csv [--live 60] [--every 2]
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' }, token: { type: 'string' }, csv: { type: 'string' },
    live: { type: 'string', default: '0' }, every: { type: 'string', default: '2' },
    batch: { type: 'string', default: '500' },
  },
});
for (const k of ['url', 'token', 'csv']) {
  if (!a[k]) {
    console.error(`post-observations: --${k} is required (see the header of ${process.argv[1]})`);
    process.exit(2);
  }
}

// RFC 4180 fields: quoted fields may hold commas, quotes ("") and newlines.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += '"', ++i;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), field = '';
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') ++i;
      row.push(field), rows.push(row), row = [], field = '';
    } else field += c;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

const NUMBERS = new Set(['observer_lat', 'observer_lon', 'bearing_deg', 'range_min_km', 'range_max_km', 'lat', 'lon']);
const KINDS = new Set(['patrol', 'camera', 'uav', 'sensor', 'satellite', 'osint']);

// One CSV row as the API's observation object. The CSV has no observer_kind: the simulator names
// its observers after their kind ("patrol-149", "camera-007").
function observation(header, cells, line) {
  const o = {};
  header.forEach((h, i) => {
    const v = cells[i]?.trim();
    if (!v || h === 'id') return;
    o[h] = NUMBERS.has(h) ? Number(v) : h === 'count' ? parseInt(v, 10) : v;
  });
  const kind = String(o.observer_id ?? '').split('-')[0];
  o.observer_kind = KINDS.has(kind) ? kind : 'patrol';
  o.source_ref = `simulated (${a.csv}, line ${line})`;
  return o;
}

async function post(body, key) {
  const res = await fetch(new URL('/v1/observations', a.url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${a.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST /v1/observations answered ${res.status}: ${await res.text()}`);
}

async function waitForServer(seconds = 120) {
  for (let i = 0; i < seconds * 4; ++i) {
    try {
      if ((await fetch(new URL('/v1/health', a.url))).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${a.url}/v1/health in ${seconds} s`);
}

const [header, ...rows] = parseCsv(fs.readFileSync(a.csv, 'utf8'));
const obs = rows.map((r, i) => observation(header, r, i + 2));
const live = Math.min(Math.max(0, parseInt(a.live, 10) || 0), obs.length);
const batch = Math.max(1, parseInt(a.batch, 10) || 500);
const tag = Date.now().toString(36);

try {
  await waitForServer();
  const now = obs.length - live;
  for (let i = 0; i < now; i += batch) await post(obs.slice(i, Math.min(i + batch, now)), `demo-${tag}-${i}`);
  console.error(`truceline demo: ${now} observations posted${live ? `; ${live} more to come, one every ${a.every} s` : ''}`);
  for (let i = now; i < obs.length; ++i) {
    await new Promise((r) => setTimeout(r, Number(a.every) * 1000));
    await post(obs[i], `demo-${tag}-${i}`);
  }
} catch (e) {
  console.error(`truceline demo: ${e.message}`);
  process.exit(1);
}
