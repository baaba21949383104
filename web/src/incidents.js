// Incidents as the dashboard holds them: the newest revision of each, and which pass the filters.
// Pure functions over plain objects, so they are tested without a browser (web/test/).

// The observation model's event types (docs/observations.md), in its order.
export const EVENTS = ['explosion', 'projectile', 'muzzle_flash', 'illumination_flare', 'burst', 'shot',
  'heavy_weapon', 'armour', 'troops', 'aircraft', 'uav', 'other'];

// Keeps the newest revision: a revision that arrives late (the list fetched while the stream was
// already delivering) never replaces a newer one. Returns true when `inc` was taken.
export function upsert(byId, inc) {
  const have = byId.get(inc.id);
  if (have && (have.revision ?? 0) > (inc.revision ?? 0)) return false;
  byId.set(inc.id, inc);
  return true;
}

// An incident every report of which was retracted: the list leaves it out, and so does the page.
export function isWithdrawn(inc) {
  return inc.n_observations === 0;
}

// `datetime-local` values ("2025-04-12T06:30") read as UTC; empty gives null.
export function parseUtcInput(value) {
  if (!value) return null;
  const ms = Date.parse(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isNaN(ms) ? null : ms;
}

// Filters: {since, until} in ms since 1970 (an incident passes when its span [first_time,
// last_time] meets the window), and zone, contingent (the incident's `responsible`) and event,
// each matched exactly; null or '' lets everything through.
export function matches(inc, f) {
  if (f.zone && inc.zone !== f.zone) return false;
  if (f.contingent && inc.responsible !== f.contingent) return false;
  if (f.event && inc.event !== f.event) return false;
  if (f.since != null && Date.parse(inc.last_time) < f.since) return false;
  if (f.until != null && Date.parse(inc.first_time) > f.until) return false;
  return true;
}

// Newest first (by last_time, then id, so the order is total).
export function byRecency(a, b) {
  const d = Date.parse(b.last_time) - Date.parse(a.last_time);
  return d !== 0 ? d : String(b.id).localeCompare(String(a.id));
}

// The outline of a 1-sigma error ellipse as [lat, lon] pairs, for drawing. Axes in metres, the
// major axis at `azimuthDeg` clockwise from north. Built on a local tangent plane (metres to
// degrees with the WGS84 radii of curvature at `lat`): for ellipses of a few kilometres the
// outline is within a few metres of the geodesic one, far below a screen pixel at any zoom that
// shows them.
export function ellipseOutline(lat, lon, majorM, minorM, azimuthDeg, n = 48) {
  const a = 6378137, e2 = 0.00669437999014;
  const phi = (lat * Math.PI) / 180;
  const w = Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
  const mPerDegLat = ((Math.PI / 180) * a * (1 - e2)) / w ** 3;
  const mPerDegLon = ((Math.PI / 180) * a * Math.cos(phi)) / w;
  const az = (azimuthDeg * Math.PI) / 180;
  const pts = [];
  for (let i = 0; i < n; ++i) {
    const t = (2 * Math.PI * i) / n;
    const u = majorM * Math.cos(t), v = minorM * Math.sin(t);
    const north = u * Math.cos(az) - v * Math.sin(az);
    const east = u * Math.sin(az) + v * Math.cos(az);
    pts.push([lat + north / mPerDegLat, lon + east / mPerDegLon]);
  }
  return pts;
}
