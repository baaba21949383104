// The observer's reports of the day with their state: queued (with why it waits, or sending),
// recorded (its id, its entry in the public log, and where the server placed it), refused (the
// server's reason). The zone is only ever the server's word: offline, "placed on arrival".
import { el } from './dom.js';
import { KINDS } from './report-model.js';

function what(o) {
  const parts = [`${o.mode} ${o.count > 1 ? `${o.count} × ` : ''}${KINDS[o.event]?.label.toLowerCase() ?? o.event}`];
  if (o.direction || o.bearing_deg != null) parts.push(o.direction ?? `${o.bearing_deg}°`);
  if (o.range_min_km != null) parts.push(`${o.range_min_km}–${o.range_max_km} km`);
  return parts.join(', ');
}

function where(o) {
  if (o.observer_mgrs) return `from ${o.observer_mgrs}`;
  if (o.lat != null) return `at ${o.lat.toFixed(4)}, ${o.lon.toFixed(4)}`;
  if (o.observer_lat != null) return `from ${o.observer_lat.toFixed(4)}, ${o.observer_lon.toFixed(4)}`;
  return '';
}

function placement(r, zoneName) {
  const p = r.placement;
  if (!p) return 'placement not yet read';
  if (!p.zone_id) return p.method === 'observer' ? 'no event position (no direction given)' : 'no position';
  if (p.zone_id === 'outside') return 'outside the plan\'s area';
  const dist = p.dist_loc_km != null ? `, ${p.dist_loc_km.toFixed(1)} km from the line` : '';
  return `${zoneName(p.zone_id)} (${p.zone_kind}${p.responsible ? `, ${p.responsible}` : ''})${dist}`;
}

function status(r, zoneName) {
  switch (r.state) {
    case 'recorded':
      return [`recorded ${r.id ?? ''}${r.log_index != null ? ` · log #${r.log_index}` : ''}`, placement(r, zoneName)];
    case 'refused':
      return [`refused: ${r.error}`, 'not sent again: file it anew once corrected'];
    case 'sending':
      return ['queued, sending…', 'placed on arrival'];
    default:
      return [`queued${r.error ? ` (${r.error}${r.blocked ? ': give a token that may file reports' : ''})` : ''}`, 'placed on arrival'];
  }
}

const clock = (iso) => (/T(\d\d:\d\d)/.exec(iso ?? '') ?? [])[1] ?? '';

export function renderReports(list, reports, zoneName) {
  list.replaceChildren(...reports.map((r) => {
    const o = r.observation;
    const [state, detail] = status(r, zoneName);
    // A report being sent is still queued until the server answers: shown so, lest it flicker.
    const shown = r.state === 'sending' ? 'queued' : r.state;
    return el('li', { 'data-key': r.key, 'data-state': shown, 'data-sending': r.state === 'sending' || null, 'data-id': r.id ?? null,
      'data-signed': r.envelope ? 'true' : null },
      el('div', { class: 'line' }, el('span', { class: 'when' }, clock(o.time)), el('span', { class: 'what' }, what(o)),
        r.envelope ? el('span', { class: 'signed', title: 'signed on this device' }, 'signed') : null),
      el('div', { class: 'where' }, where(o)),
      el('div', { class: 'state' }, state),
      el('div', { class: 'placement' }, detail));
  }));
}
