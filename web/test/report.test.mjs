// The observer app's pure parts: the compass, the checks before a report is queued, the JSON it
// becomes, and a queued report's transitions to recorded or refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  COMPASS, KINDS, compassBearing, isoWithOffset, looksLikeMgrs, nearestPoint, num, toObservation, validate,
} from '../src/report-model.js';
import {
  BACKOFF_MAX_MS, answered, backoffMs, isDue, needsLookUp, newReport, nextWake, ofTheDay, placed, resumed, sending,
  tally, unanswered,
} from '../src/report-queue.js';

const NOW = Date.parse('2025-04-12T06:40:00Z');

// A good explosion report, heard 3–6 km south-east of a device fix.
function draft(over = {}) {
  return {
    event: 'explosion', mode: 'heard', count: 3, time: '2025-04-12T09:30:00+03:00', observer_id: 'P12',
    observer_kind: 'patrol', position: { source: 'device', lat: 48.72305, lon: 37.55629, accuracy: 12 },
    direction: 'SE', bearing: 135, rangeMin: 3, rangeMax: 6, explosion_type: 'undetermined', weapons: {},
    casualties: null, damage: [], notes: '', ...over,
  };
}

test('the sixteen points of the compass are 22.5° apart, clockwise from north', () => {
  assert.equal(COMPASS.length, 16);
  assert.equal(compassBearing('N'), 0);
  assert.equal(compassBearing('NNE'), 22.5);
  assert.equal(compassBearing('E'), 90);
  assert.equal(compassBearing('SE'), 135);
  assert.equal(compassBearing('WSW'), 247.5);
  assert.equal(compassBearing('NNW'), 337.5);
  assert.equal(compassBearing('up'), null);
  // And back: the point whose ±11.25° sector holds a bearing.
  assert.equal(nearestPoint(0), 'N');
  assert.equal(nearestPoint(359), 'N');
  assert.equal(nearestPoint(11.2), 'N');
  assert.equal(nearestPoint(11.3), 'NNE');
  assert.equal(nearestPoint(140), 'SE');
  for (const p of COMPASS) assert.equal(nearestPoint(compassBearing(p)), p);
});

test('a good report passes', () => {
  assert.deepEqual(validate(draft(), NOW), {});
});

test('the range band: min beyond max, half a band, out of range, not a number', () => {
  assert.match(validate(draft({ rangeMin: 6, rangeMax: 3 }), NOW).range, /min/);
  assert.match(validate(draft({ rangeMin: 3, rangeMax: null }), NOW).range, /both/);
  assert.match(validate(draft({ rangeMin: 0, rangeMax: 1200 }), NOW).range, /0–1000/);
  assert.match(validate(draft({ rangeMin: NaN, rangeMax: 4 }), NOW).range, /numbers/);
  assert.deepEqual(validate(draft({ rangeMin: null, rangeMax: null }), NOW), {});
  assert.deepEqual(validate(draft({ rangeMin: 5, rangeMax: 5 }), NOW), {});
});

test('a typed bearing lies in [0, 360)', () => {
  const typed = (b) => validate(draft({ direction: null, bearing: b }), NOW).bearing;
  assert.equal(typed(0), undefined);
  assert.equal(typed(359.9), undefined);
  assert.match(typed(360), /360/);
  assert.match(typed(-1), /360/);
  assert.match(typed(NaN), /not a number/);
  // A restriction has no direction: a bearing left over from another kind is not checked.
  assert.equal(validate(draft({ event: 'restriction', restriction_type: 'delayed', bearing: 400 }), NOW).bearing, undefined);
});

test('a position is needed, and an MGRS reference must look like one', () => {
  assert.match(validate(draft({ position: {} }), NOW).position, /position/);
  assert.match(validate(draft({ position: { source: 'map', lat: 95, lon: 37 } }), NOW).position, /globe/);
  assert.match(validate(draft({ position: { source: 'mgrs', mgrs: '' } }), NOW).position, /MGRS/);
  assert.match(validate(draft({ position: { source: 'mgrs', mgrs: 'near the bridge' } }), NOW).position, /not an MGRS/);
  assert.deepEqual(validate(draft({ position: { source: 'mgrs', mgrs: '37U DQ 12345 67890' } }), NOW), {});
  assert.ok(looksLikeMgrs('37udq1234567890'));
  assert.ok(looksLikeMgrs('37U DQ'));
  assert.ok(!looksLikeMgrs('37U DQ 1234 567'), 'an odd number of digits');
  assert.ok(!looksLikeMgrs('61U DQ 12 34'), 'no grid zone 61');
  assert.ok(!looksLikeMgrs('37I DQ 12 34'), 'no latitude band I');
});

test('time, count, call sign, mode and event', () => {
  assert.match(validate(draft({ time: '2025-04-12T07:00:00Z' }), NOW).time, /future/);
  assert.equal(validate(draft({ time: '2025-04-12T06:49:00Z' }), NOW).time, undefined, 'within the ten minutes');
  assert.match(validate(draft({ time: null }), NOW).time, /when/);
  assert.match(validate(draft({ count: 0 }), NOW).count, /whole number/);
  assert.match(validate(draft({ count: 2.5 }), NOW).count, /whole number/);
  assert.match(validate(draft({ observer_id: '  ' }), NOW).observer_id, /call sign/);
  assert.match(validate(draft({ mode: null }), NOW).mode, /heard/);
  assert.match(validate(draft({ event: 'parade' }), NOW).event, /choose/);
});

test('the new kinds ask for their own fields', () => {
  const r = validate(draft({ event: 'restriction', duration_min: 20000 }), NOW);
  assert.match(r.restriction_type, /restriction/);
  assert.match(r.duration_min, /week/);
  assert.match(validate(draft({ event: 'restriction', restriction_type: 'delayed', imposed_by: 'x'.repeat(65) }), NOW).imposed_by, /64/);
  assert.equal(validate(draft({ event: 'restriction', restriction_type: 'delayed', imposed_by: 'x'.repeat(64) }), NOW).imposed_by, undefined);
  assert.match(validate(draft({ event: 'weapons_site', site_id: 'x'.repeat(201), site_status: 'all_present' }), NOW).site_id, /200/);
  const s = validate(draft({ event: 'weapons_site', weapons: { tank: -1 } }), NOW);
  assert.match(s.site_id, /site/);
  assert.match(s.site_status, /found/);
  assert.match(s['weapons.tank'], /whole number/);
  assert.match(validate(draft({ event: 'casualty' }), NOW).casualties, /killed/);
  assert.match(validate(draft({ event: 'casualty', casualties: { killed: 0, injured: 0 } }), NOW).casualties, /both 0/);
  assert.deepEqual(validate(draft({ event: 'casualty', casualties: { killed: 0, injured: 2 } }), NOW), {});
  // Only a yes/no answered, or numbers typed and cleared: no casualties, for a casualty report
  // an error, for any other none at all.
  const blank = { killed: null, injured: null, civilian: false };
  assert.match(validate(draft({ event: 'casualty', casualties: blank }), NOW).casualties, /killed/);
  assert.deepEqual(validate(draft({ casualties: blank }), NOW), {});
  assert.equal(toObservation(draft({ casualties: blank })).casualties, undefined);
  assert.match(validate(draft({ event: 'damage' }), NOW).damage, /damaged/);
  assert.deepEqual(validate(draft({ event: 'damage', damage: ['school'] }), NOW), {});
});

test('the observation holds only the fields its kind uses, named as the server names them', () => {
  assert.deepEqual(toObservation(draft()), {
    time: '2025-04-12T09:30:00+03:00', observer_id: 'P12', observer_kind: 'patrol', mode: 'heard', event: 'explosion',
    observer_lat: 48.72305, observer_lon: 37.55629, explosion_type: 'undetermined', count: 3, direction: 'SE',
    range_min_km: 3, range_max_km: 6,
  });
  // A typed bearing, the event's own position, no count of one, an MGRS reference.
  const o = toObservation(draft({ direction: null, bearing: 140, count: 1, position: { source: 'map', lat: 48.1, lon: 37.2, target: 'event' } }));
  assert.equal(o.bearing_deg, 140);
  assert.equal(o.direction, undefined);
  assert.equal(o.count, undefined);
  assert.deepEqual([o.lat, o.lon, o.observer_lat], [48.1, 37.2, undefined]);
  assert.equal(toObservation(draft({ position: { source: 'mgrs', mgrs: '37u dq 12345 67890' } })).observer_mgrs, '37U DQ 12345 67890');
  // A restriction: no direction or explosion type carried over from the fields of another kind.
  const r = toObservation(draft({ event: 'restriction', mode: 'saw', restriction_type: 'denied_passage', imposed_by: 'ru', duration_min: 45 }));
  assert.deepEqual([r.restriction_type, r.imposed_by, r.duration_min], ['denied_passage', 'ru', 45]);
  for (const k of ['direction', 'bearing_deg', 'range_min_km', 'explosion_type']) assert.equal(r[k], undefined, k);
  const s = toObservation(draft({ event: 'weapons_site', site_id: 'HA-3', site_status: 'weapons_missing', weapons: { artillery_ge_100: 4 } }));
  assert.deepEqual(s.weapons, { artillery_ge_100: 4 });
  const c = toObservation(draft({ casualties: { killed: null, injured: 2, civilian: true }, damage: ['residential', 'power'] }));
  assert.deepEqual(c.casualties, { killed: 0, injured: 2, civilian: true, corroborated: false });
  assert.deepEqual(c.damage, ['residential', 'power']);
  assert.ok(Object.keys(KINDS).includes('weapons_site'));
});

test('typed numbers and local times with their offset', () => {
  assert.equal(num(''), null);
  assert.equal(num(' 3,5 '), 3.5);
  assert.ok(Number.isNaN(num('three')));
  const t = new Date(2025, 3, 12, 6, 30, 5);
  const iso = isoWithOffset(t);
  assert.match(iso, /^2025-04-12T06:30:05[+-]\d\d:\d\d$/);
  assert.equal(Date.parse(iso), t.getTime(), 'the same instant');
});

test('queued, sending, recorded: the key and the body stay the same throughout', () => {
  let r = newReport({ event: 'shot' }, 'k-1', NOW);
  assert.equal(r.state, 'queued');
  assert.ok(isDue(r, NOW));
  r = sending(r, NOW);
  assert.equal(r.state, 'sending');
  assert.equal(r.attempts, 1);
  const failed = unanswered(r, NOW, 0.5);
  assert.equal(failed.state, 'queued');
  assert.equal(failed.nextAttempt, NOW + 1000);
  assert.ok(!isDue(failed, NOW + 999));
  assert.ok(isDue(failed, NOW + 1000));
  const again = sending(failed, NOW + 1000);
  assert.equal(again.attempts, 2);
  const done = answered(again, { status: 201, body: { id: 'o-7', ids: ['o-7'] } }, NOW + 1100);
  assert.equal(done.state, 'recorded');
  assert.equal(done.id, 'o-7');
  assert.deepEqual([done.key, done.body], ['k-1', r.body]);
  assert.ok(needsLookUp(done));
  const seen = placed(done, { placement: { zone_id: 'dmz' }, log_index: 41 });
  assert.equal(seen.log_index, 41);
  assert.ok(!needsLookUp(seen));
});

test('refused for good on a 4xx but 408 and 429; retried on those, 5xx and no answer', () => {
  const r = sending(newReport({}, 'k', NOW), NOW);
  const refused = answered(r, { status: 422, body: { error: { code: 'conflict', message: 'range_min_km > range_max_km', field: 'range_min_km' } } }, NOW);
  assert.equal(refused.state, 'refused');
  assert.equal(refused.error, 'range_min_km > range_max_km');
  assert.equal(refused.field, 'range_min_km');
  assert.ok(!isDue(refused, NOW + 1e9));
  assert.equal(answered(r, { status: 409, body: null }, NOW).state, 'refused');
  for (const status of [408, 429, 500, 503]) assert.equal(answered(r, { status, body: null }, NOW, 0.5).state, 'queued', String(status));
  // Retry-After is honoured when longer than the backoff.
  assert.equal(answered(r, { status: 503, body: null, retryAfterS: 20 }, NOW, 0.5).nextAttempt, NOW + 20000);
  // A token the server does not know, or one that may not file: the report waits for another.
  const held = answered(r, { status: 403, body: { error: { message: 'role analyst may not do this' } } }, NOW, 0.5);
  assert.equal(held.state, 'queued');
  assert.equal(held.blocked, 'token');
});

test('backoff doubles from a second up to half a minute, spread by a quarter', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 12].map((n) => backoffMs(n, 0.5)), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(backoffMs(1, 0), 750);
  assert.ok(backoffMs(20, 0.999) <= BACKOFF_MAX_MS * 1.25);
});

test('a report a closed page left sending is queued again, due at once', () => {
  const r = resumed(sending(newReport({}, 'k', NOW), NOW));
  assert.equal(r.state, 'queued');
  assert.ok(isDue(r, 0));
  const recorded = { state: 'recorded' };
  assert.equal(resumed(recorded), recorded);
});

test('the day\'s list and the next wake', () => {
  const midnight = new Date(NOW);
  midnight.setHours(0, 0, 0, 0);
  const y = midnight.getTime() - 3600e3;
  const rs = [
    { key: 'a', filed: y, state: 'recorded' },
    { key: 'b', filed: y, state: 'queued', nextAttempt: NOW + 5000 },
    { key: 'c', filed: midnight.getTime() + 60e3, state: 'refused' },
    { key: 'd', filed: midnight.getTime() + 120e3, state: 'queued', nextAttempt: NOW + 2000 },
  ];
  assert.deepEqual(ofTheDay(rs, NOW).map((r) => r.key), ['d', 'c', 'b'], 'yesterday\'s queued report stays in view');
  assert.equal(nextWake(rs), NOW + 2000);
  assert.equal(nextWake([{ state: 'recorded' }]), null);
  assert.equal(tally(rs), '2 queued, 1 recorded, 1 refused');
});

// The envelope the app sends, checked the way the server checks it: the signature over DSSE's
// PAE of the exact body, with the registered public key.
test('a report is signed as a DSSE envelope of its exact JSON that the device key verifies', async () => {
  const { webcrypto } = await import('node:crypto');
  const { PAYLOAD_TYPE, envelopeOf, pae } = await import('../src/report-sign.js');
  const enc = new TextEncoder();
  assert.equal(new TextDecoder().decode(pae('t/x', enc.encode('héllo'))), 'DSSEv1 3 t/x 6 héllo', 'lengths in bytes');
  const pair = await webcrypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
  const body = JSON.stringify(toObservation(draft({ notes: 'Горлівка, 3 km' })));
  const text = await envelopeOf(body, pair.privateKey, webcrypto.subtle);
  const env = JSON.parse(text);
  assert.equal(env.payloadType, PAYLOAD_TYPE);
  assert.equal(Buffer.from(env.payload, 'base64').toString('utf8'), body);
  const sig = Buffer.from(env.signatures[0].sig, 'base64');
  assert.equal(sig.length, 64);
  const signed = pae(PAYLOAD_TYPE, enc.encode(body));
  assert.ok(await webcrypto.subtle.verify({ name: 'Ed25519' }, pair.publicKey, sig, signed));
  const altered = pae(PAYLOAD_TYPE, enc.encode(body.replace('3 km', '4 km')));
  assert.equal(await webcrypto.subtle.verify({ name: 'Ed25519' }, pair.publicKey, sig, altered), false);
  // Deterministic: a retry sends the same bytes under the same Idempotency-Key.
  assert.equal(await envelopeOf(body, pair.privateKey, webcrypto.subtle), text);
});
