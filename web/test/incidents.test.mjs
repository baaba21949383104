// The dashboard's pure parts: filters, revisions, UTC inputs, error ellipses, the token fragment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byRecency, ellipseOutline, isWithdrawn, matches, parseUtcInput, upsert } from '../src/incidents.js';
import { incidentFromHash, tokenFromHash } from '../src/token.js';

const inc = {
  id: 'i-1', revision: 2, first_time: '2025-04-12T06:00:00.000Z', last_time: '2025-04-12T06:05:00.000Z',
  event: 'explosion', zone: 'dmz', responsible: 'uk',
};

test('filters match each field and the time window by overlap', () => {
  assert.ok(matches(inc, {}));
  assert.ok(matches(inc, { zone: 'dmz', contingent: 'uk', event: 'explosion' }));
  assert.ok(!matches(inc, { zone: 'ru' }));
  assert.ok(!matches(inc, { contingent: 'fr' }));
  assert.ok(!matches(inc, { event: 'burst' }));
  // The window meets [06:00, 06:05] at either end.
  assert.ok(matches(inc, { since: Date.parse('2025-04-12T06:04:00Z') }));
  assert.ok(!matches(inc, { since: Date.parse('2025-04-12T06:06:00Z') }));
  assert.ok(matches(inc, { until: Date.parse('2025-04-12T06:01:00Z') }));
  assert.ok(!matches(inc, { until: Date.parse('2025-04-12T05:59:00Z') }));
});

test('a late, older revision never replaces a newer one', () => {
  const byId = new Map();
  assert.ok(upsert(byId, inc));
  assert.ok(!upsert(byId, { ...inc, revision: 1, event: 'burst' }));
  assert.equal(byId.get('i-1').event, 'explosion');
  assert.ok(upsert(byId, { ...inc, revision: 3, n_observations: 4 }));
  assert.equal(byId.get('i-1').n_observations, 4);
});

test('newest first, ties broken by id', () => {
  const a = { id: 'i-1', last_time: '2025-04-12T06:00:00Z' };
  const b = { id: 'i-2', last_time: '2025-04-12T07:00:00Z' };
  const c = { id: 'i-3', last_time: '2025-04-12T07:00:00Z' };
  assert.deepEqual([a, b, c].sort(byRecency).map((x) => x.id), ['i-3', 'i-2', 'i-1']);
});

test('datetime-local values are read as UTC', () => {
  assert.equal(parseUtcInput('2025-04-12T06:30'), Date.UTC(2025, 3, 12, 6, 30));
  assert.equal(parseUtcInput('2025-04-12T06:30:15'), Date.UTC(2025, 3, 12, 6, 30, 15));
  assert.equal(parseUtcInput(''), null);
  assert.equal(parseUtcInput('yesterday'), null);
});

// The ellipse's ends lie major/minor metres from the centre along the stated azimuths: checked
// against the geodesic distance by Vincenty's inverse on the WGS84 ellipsoid, written out here.
function vincenty(lat1, lon1, lat2, lon2) {
  const a = 6378137, f = 1 / 298.257223563, b = a * (1 - f), r = Math.PI / 180;
  const L = (lon2 - lon1) * r, U1 = Math.atan((1 - f) * Math.tan(lat1 * r)), U2 = Math.atan((1 - f) * Math.tan(lat2 * r));
  let lam = L, sinS, cosS, sig, cos2a, cos2sm;
  for (let i = 0; i < 100; ++i) {
    const sl = Math.sin(lam), cl = Math.cos(lam);
    sinS = Math.hypot(Math.cos(U2) * sl, Math.cos(U1) * Math.sin(U2) - Math.sin(U1) * Math.cos(U2) * cl);
    cosS = Math.sin(U1) * Math.sin(U2) + Math.cos(U1) * Math.cos(U2) * cl;
    sig = Math.atan2(sinS, cosS);
    const sina = (Math.cos(U1) * Math.cos(U2) * sl) / sinS;
    cos2a = 1 - sina * sina;
    cos2sm = cosS - (2 * Math.sin(U1) * Math.sin(U2)) / cos2a;
    const C = (f / 16) * cos2a * (4 + f * (4 - 3 * cos2a));
    const prev = lam;
    lam = L + (1 - C) * f * sina * (sig + C * sinS * (cos2sm + C * cosS * (-1 + 2 * cos2sm * cos2sm)));
    if (Math.abs(lam - prev) < 1e-13) break;
  }
  const u2 = (cos2a * (a * a - b * b)) / (b * b);
  const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  const ds = B * sinS * (cos2sm + (B / 4) * (cosS * (-1 + 2 * cos2sm * cos2sm) - (B / 6) * cos2sm * (-3 + 4 * sinS * sinS) * (-3 + 4 * cos2sm * cos2sm)));
  return b * A * (sig - ds);
}

test('error ellipse outline: axes within 5 m of the geodesic lengths for a 3 km × 1 km ellipse', () => {
  const [lat, lon] = [47.62, 36.28];
  const ring = ellipseOutline(lat, lon, 3000, 1000, 30, 48);
  assert.equal(ring.length, 48);
  const major = vincenty(lat, lon, ring[0][0], ring[0][1]);   // t = 0: along the azimuth
  const minor = vincenty(lat, lon, ring[12][0], ring[12][1]); // t = 90°: across it
  assert.ok(Math.abs(major - 3000) < 5, `major ${major}`);
  assert.ok(Math.abs(minor - 1000) < 5, `minor ${minor}`);
  // The major axis end lies north-east (azimuth 30°): north of the centre and east of it.
  assert.ok(ring[0][0] > lat && ring[0][1] > lon);
});

test('the token comes from the fragment, alone or among other keys', () => {
  assert.equal(tokenFromHash('#token=tl_abc'), 'tl_abc');
  assert.equal(tokenFromHash('#view=map&token=tl_x%2By'), 'tl_x+y');
  assert.equal(tokenFromHash('#tokens=no'), null);
  assert.equal(tokenFromHash(''), null);
  assert.equal(tokenFromHash('#token='), null);
});

test('an incident whose every report was retracted is withdrawn', () => {
  assert.ok(isWithdrawn({ ...inc, n_observations: 0 }));
  assert.ok(!isWithdrawn({ ...inc, n_observations: 1 }));
});

test('a CoT link names the incident to open', () => {
  assert.equal(incidentFromHash('#incident=i-17'), 'i-17');
  assert.equal(incidentFromHash('#token=abc&incident=i-3'), 'i-3');
  assert.equal(incidentFromHash('#incident=i-3&token=abc'), 'i-3');
  assert.equal(incidentFromHash('#incident=x'), null);
  assert.equal(incidentFromHash(''), null);
});
