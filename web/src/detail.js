// The panel for one incident (GET /v1/incidents/{id}): where and when, the rules it breaks, the
// observations it was built from, and its revisions as they were published.
import { el, shortTime, km } from './dom.js';

function place(inc) {
  if (inc.lat == null) return 'no position fix (bearings and ranges do not meet)';
  return `${inc.lat.toFixed(4)}, ${inc.lon.toFixed(4)} ± ${km(inc.err_major_m)} × ${km(inc.err_minor_m)}`;
}

function facts(inc, zoneName) {
  const rows = [
    ['when', `${shortTime(inc.first_time)} – ${shortTime(inc.last_time)}`],
    ['where', place(inc)],
    ['zone', inc.zone ? `${zoneName(inc.zone)} (${inc.zone_kind})` : '—'],
    ['responsible', inc.responsible || '—'],
    ['side', inc.side || '—'],
    ['fired from', inc.origin_side ? `${inc.origin_side}${inc.crossed_line ? ', across the line' : ''}` : '—'],
  ];
  return el('dl', {}, rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function observationRow(rec) {
  const o = rec.observation ?? {};
  const how = o.bearing_deg != null
    ? `${o.direction ?? `${Math.round(o.bearing_deg)}°`}${o.range_min_km != null ? ` ${o.range_min_km}–${o.range_max_km} km` : ''}`
    : o.lat != null ? `at ${o.lat.toFixed(4)}, ${o.lon.toFixed(4)}` : '';
  return el('tr', { 'data-observation': rec.id },
    el('td', {}, shortTime(o.time)),
    el('td', {}, `${o.observer_id ?? rec.submitter ?? ''} (${o.observer_kind ?? '?'})`),
    el('td', {}, `${o.mode ?? ''} ${o.count > 1 ? `${o.count}× ` : ''}${o.event ?? ''}${o.weapon ? `, ${o.weapon}` : ''}`),
    el('td', {}, how));
}

export function renderDetail(section, inc, zoneName, onClose) {
  const violations = inc.violations ?? [];
  section.replaceChildren(
    el('header', {},
      el('h2', {}, `${inc.id} · ${inc.event}`),
      el('span', { class: 'revision' }, `revision ${inc.revision}`),
      el('button', { type: 'button', class: 'close', onclick: onClose, 'aria-label': 'close' }, '×')),
    facts(inc, zoneName),
    violations.length
      ? el('ul', { class: 'violations' }, violations.map((v) => el('li', { class: `sev-${v.severity}` }, `${v.rule} (${v.severity})`)))
      : el('p', { class: 'muted' }, 'no rule of the plan broken'),
    el('h3', {}, `Observations (${(inc.observations ?? []).length})`),
    el('table', { class: 'observations' },
      el('thead', {}, el('tr', {}, ['time', 'observer', 'what', 'direction, range or position'].map((h) => el('th', {}, h)))),
      el('tbody', {}, (inc.observations ?? []).map(observationRow))),
    el('h3', {}, `History (${(inc.revisions ?? []).length} revision${(inc.revisions ?? []).length === 1 ? '' : 's'})`),
    el('table', { class: 'revisions' },
      el('thead', {}, el('tr', {}, ['rev', 'observations', 'last seen', 'zone', 'rules'].map((h) => el('th', {}, h)))),
      el('tbody', {}, (inc.revisions ?? []).map((r) => el('tr', {},
        el('td', {}, r.revision), el('td', {}, r.n_observations), el('td', {}, shortTime(r.last_time)),
        el('td', {}, r.zone ? zoneName(r.zone) : '—'), el('td', {}, (r.violations ?? []).map((v) => v.rule).join(', ') || '—'))))));
  section.hidden = false;
}
