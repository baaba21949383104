// The observer app's model: which fields each kind of event asks for, the compass, the checks a
// report passes before it is queued, and the JSON it becomes (docs/observations.md). Pure
// functions over plain objects, so they are tested without a browser (web/test/report.test.mjs).

export const OBSERVER_KINDS = ['patrol', 'camera', 'uav', 'sensor', 'satellite', 'osint'];
export const MODES = ['heard', 'saw', 'recorded'];
export const EXPLOSION_TYPES = ['impact', 'airburst', 'outgoing', 'undetermined'];
export const WEAPON_CLASSES = ['small_arms', 'mortar_lt_100', 'artillery_ge_100', 'mlrs', 'mlrs_heavy',
  'tank', 'missile', 'air_defence', 'other'];
export const RESTRICTION_TYPES = ['denied_passage', 'delayed', 'mines_or_uxo', 'armed_threat',
  'uav_jammed', 'uav_fired_upon', 'other'];
export const SITE_STATUSES = ['all_present', 'weapons_missing', 'site_abandoned', 'access_denied'];
export const DAMAGE_TYPES = ['residential', 'school', 'medical', 'water', 'power', 'gas', 'road', 'bridge', 'other'];

// The server's limits (docs/observations.md), checked here so that a report is not queued only
// to be refused hours later when the connection returns.
export const LIMITS = { count: 100000, rangeKm: 1000, durationMin: 7 * 24 * 60, notes: 4000, id: 200, party: 64, mgrs: 64,
  futureMs: 10 * 60 * 1000 };

// What each event asks for beyond the fields every report has. `aim`: a direction and range band
// from the observer make sense (a restriction, a site check, casualties and damage are reported
// where the observer stands). `mode`: the sense preselected, since most such reports are of it.
export const KINDS = {
  explosion: { label: 'Explosion', mode: 'heard', aim: true, fields: ['explosion_type'] },
  projectile: { label: 'Projectile', mode: 'saw', aim: true, fields: [] },
  muzzle_flash: { label: 'Muzzle flash', mode: 'saw', aim: true, fields: [] },
  illumination_flare: { label: 'Flare', mode: 'saw', aim: true, fields: [] },
  burst: { label: 'Burst of fire', mode: 'heard', aim: true, fields: [] },
  shot: { label: 'Shot', mode: 'heard', aim: true, fields: [] },
  heavy_weapon: { label: 'Heavy weapon', mode: 'saw', aim: true, fields: ['weapon_class'] },
  armour: { label: 'Armour', mode: 'saw', aim: true, fields: [] },
  troops: { label: 'Troops', mode: 'saw', aim: true, fields: [] },
  aircraft: { label: 'Aircraft', mode: 'saw', aim: true, fields: [] },
  uav: { label: 'UAV', mode: 'saw', aim: true, fields: [] },
  restriction: { label: 'Restriction', mode: 'saw', aim: false, fields: ['restriction_type', 'imposed_by', 'duration_min'] },
  weapons_site: { label: 'Weapons site', mode: 'saw', aim: false, fields: ['site_id', 'site_status', 'weapons'] },
  casualty: { label: 'Casualties', mode: 'saw', aim: false, fields: ['casualties'] },
  damage: { label: 'Damage', mode: 'saw', aim: false, fields: ['damage'] },
  other: { label: 'Other', mode: 'saw', aim: true, fields: [] },
};

// The 16 points of the compass, clockwise from north, 22.5° apart.
export const COMPASS = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'];

export function compassBearing(point) {
  const i = COMPASS.indexOf(point);
  return i < 0 ? null : i * 22.5;
}

// The point whose ±11.25° sector holds `deg` (359° is N): for showing a typed bearing.
export function nearestPoint(deg) {
  const d = ((deg % 360) + 360) % 360;
  return COMPASS[Math.round(d / 22.5) % 16];
}

// "2025-04-12T06:30:00+03:00": the device's wall clock with its offset, so the record keeps the
// local time the observer saw as well as the instant.
export function isoWithOffset(date) {
  const p = (n) => String(Math.trunc(Math.abs(n))).padStart(2, '0');
  const off = -date.getTimezoneOffset();
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`
    + `${off >= 0 ? '+' : '-'}${p(off / 60)}:${p(off % 60)}`;
}

// A number typed into a field: null when blank, NaN when not a number.
export function num(text) {
  const t = String(text ?? '').trim().replace(',', '.');
  return t === '' ? null : Number(t);
}

const isWhole = (n) => Number.isInteger(n);

// MGRS is resolved by the server; this only catches what is plainly not one (a grid zone, a
// 100 km square, an even number of digits), so a typo is seen before the report is queued.
export function looksLikeMgrs(text) {
  const t = String(text).replace(/\s+/g, '').toUpperCase();
  const m = /^(\d{1,2})([C-HJ-NP-X])([A-HJ-NP-Z]{2})(\d*)$/.exec(t);
  return !!m && Number(m[1]) >= 1 && Number(m[1]) <= 60 && m[4].length % 2 === 0 && m[4].length <= 10;
}

function checkPosition(d, errors) {
  const p = d.position ?? {};
  if (p.source === 'mgrs') {
    if (!String(p.mgrs ?? '').trim()) errors.position = 'type an MGRS reference, e.g. 37U DQ 12345 67890';
    else if (String(p.mgrs).length > LIMITS.mgrs || !looksLikeMgrs(p.mgrs)) errors.position = 'not an MGRS reference (e.g. 37U DQ 12345 67890)';
    return;
  }
  if (p.lat == null || p.lon == null) {
    errors.position = 'give a position: the device\'s, a tap on the map, or an MGRS reference';
    return;
  }
  if (!(p.lat >= -90 && p.lat <= 90) || !(p.lon >= -180 && p.lon <= 180)) errors.position = 'the position is off the globe';
}

function checkAim(d, errors) {
  if (d.bearing != null) {
    if (Number.isNaN(d.bearing)) errors.bearing = 'the bearing is not a number';
    else if (d.bearing < 0 || d.bearing >= 360) errors.bearing = 'a bearing lies from 0 up to (not including) 360°';
  }
  const lo = d.rangeMin, hi = d.rangeMax;
  if (lo == null && hi == null) return;
  if (lo == null || hi == null) errors.range = 'give both ends of the range band, or neither';
  else if (Number.isNaN(lo) || Number.isNaN(hi)) errors.range = 'the range band takes numbers (km)';
  else if (lo < 0 || hi > LIMITS.rangeKm) errors.range = `the range band lies within 0–${LIMITS.rangeKm} km`;
  else if (lo > hi) errors.range = 'the nearer end (min) is beyond the farther (max)';
}

function checkCount(n, key, errors, min = 0) {
  if (n == null) return;
  if (!isWhole(n) || n < min || n > LIMITS.count) errors[key] = `a whole number from ${min} to ${LIMITS.count.toLocaleString('en')}`;
}

// Casualties with neither number given are none: a civilian/corroborated answer alone, or numbers
// typed and cleared again, say nothing.
function casualtiesOf(d) {
  const c = d.casualties;
  return c && (c.killed != null || c.injured != null) ? c : null;
}

function checkKind(d, errors) {
  if (d.event === 'restriction') {
    if (!d.restriction_type) errors.restriction_type = 'what kind of restriction?';
    if (String(d.imposed_by ?? '').trim().length > LIMITS.party) errors.imposed_by = `a party id, at most ${LIMITS.party} characters`;
    if (d.duration_min != null && (!isWhole(d.duration_min) || d.duration_min < 0 || d.duration_min > LIMITS.durationMin))
      errors.duration_min = `minutes, a whole number up to ${LIMITS.durationMin} (a week)`;
  }
  if (d.event === 'weapons_site') {
    if (!String(d.site_id ?? '').trim()) errors.site_id = 'which site?';
    else if (d.site_id.trim().length > LIMITS.id) errors.site_id = `at most ${LIMITS.id} characters`;
    if (!d.site_status) errors.site_status = 'what was found?';
    for (const [cls, n] of Object.entries(d.weapons ?? {})) checkCount(n, `weapons.${cls}`, errors);
  }
  const c = casualtiesOf(d);
  if (c) {
    checkCount(c.killed, 'casualties', errors);
    checkCount(c.injured, 'casualties', errors);
    if (!errors.casualties && !(c.killed > 0) && !(c.injured > 0)) errors.casualties = 'killed and injured are both 0';
  } else if (d.event === 'casualty') errors.casualties = 'how many killed, how many injured?';
  if (d.event === 'damage' && !(d.damage ?? []).length) errors.damage = 'what was damaged?';
}

// The checks of docs/observations.md that need no server, each keyed by the field it belongs
// next to. `now` is the device's clock (the ten-minute rule). An empty object: good to queue.
export function validate(d, now = Date.now()) {
  const errors = {};
  if (!d.event || !KINDS[d.event]) errors.event = 'choose what happened';
  if (!String(d.observer_id ?? '').trim()) errors.observer_id = 'your call sign';
  else if (d.observer_id.length > LIMITS.id) errors.observer_id = `at most ${LIMITS.id} characters`;
  if (!MODES.includes(d.mode)) errors.mode = 'heard, saw or recorded?';
  const t = Date.parse(d.time ?? '');
  if (Number.isNaN(t)) errors.time = 'when did it happen?';
  else if (t > now + LIMITS.futureMs) errors.time = 'that is in the future';
  checkCount(d.count, 'count', errors, 1);
  checkPosition(d, errors);
  if (KINDS[d.event]?.aim) checkAim(d, errors);
  checkKind(d, errors);
  if ((d.notes ?? '').length > LIMITS.notes) errors.notes = `at most ${LIMITS.notes} characters`;
  return errors;
}

function positionFields(p) {
  if (p.source === 'mgrs') return { observer_mgrs: String(p.mgrs).trim().toUpperCase() };
  const lat = Math.round(p.lat * 1e6) / 1e6, lon = Math.round(p.lon * 1e6) / 1e6;
  return p.target === 'event' ? { lat, lon } : { observer_lat: lat, observer_lon: lon };
}

function kindFields(d) {
  const out = {};
  const keep = (k, v) => { if (v != null && v !== '' && !Number.isNaN(v)) out[k] = v; };
  if (d.event === 'explosion') keep('explosion_type', d.explosion_type);
  if (d.event === 'heavy_weapon') keep('weapon_class', d.weapon_class);
  if (d.event === 'restriction') {
    keep('restriction_type', d.restriction_type);
    keep('imposed_by', String(d.imposed_by ?? '').trim());
    keep('duration_min', d.duration_min);
  }
  if (d.event === 'weapons_site') {
    keep('site_id', String(d.site_id ?? '').trim());
    keep('site_status', d.site_status);
    const w = Object.fromEntries(Object.entries(d.weapons ?? {}).filter(([, n]) => n != null && !Number.isNaN(n)));
    if (Object.keys(w).length) out.weapons = w;
  }
  return out;
}

// The observation as POST /v1/observations takes it: only the fields the kind uses, absent ones
// left out (the server refuses a field that belongs to another kind).
export function toObservation(d) {
  const o = {
    time: d.time, observer_id: d.observer_id.trim(), observer_kind: d.observer_kind || 'patrol',
    mode: d.mode, event: d.event, ...positionFields(d.position), ...kindFields(d),
  };
  if (d.count != null && d.count !== 1) o.count = d.count;
  if (KINDS[d.event].aim) {
    if (d.direction) o.direction = d.direction;
    else if (d.bearing != null) o.bearing_deg = d.bearing;
    if (d.rangeMin != null && d.rangeMax != null) Object.assign(o, { range_min_km: d.rangeMin, range_max_km: d.rangeMax });
  }
  const c = casualtiesOf(d);
  if (c) o.casualties = { killed: c.killed ?? 0, injured: c.injured ?? 0, civilian: c.civilian !== false, corroborated: !!c.corroborated };
  if ((d.damage ?? []).length) o.damage = [...d.damage];
  const notes = String(d.notes ?? '').trim();
  if (notes) o.notes = notes;
  return o;
}
