// The dashboard: sign in with a token, draw the plan's zones, list and map the incidents, follow
// new ones and revisions over Server-Sent Events, filter, and open one for its observations.
import 'leaflet/dist/leaflet.css';
import './style.css';
import { Api, ApiError, health } from './api.js';
import { EVENTS, byRecency, isWithdrawn, matches, parseUtcInput, upsert } from './incidents.js';
import { MapView } from './map.js';
import { renderDetail } from './detail.js';
import { el, shortTime } from './dom.js';
import { forgetToken, incidentFromHash, saveToken, takeToken } from './token.js';

const $ = (id) => document.getElementById(id);

const state = {
  api: null,
  incidents: new Map(), // id -> newest revision
  zones: new Map(),     // zone id -> properties
  filters: {},
  stream: null,
  alerts: null,
  selected: null,
  linked: null,  // the incident the address named (/#incident=i-17), opened once the list is in
};

let mapView = null;

function setStatus(stateName, text) {
  const s = $('status');
  s.dataset.state = stateName;
  s.textContent = text;
}

const zoneName = (id) => state.zones.get(id)?.name ?? id;

// --- the list -------------------------------------------------------------------------------

function listItem(inc) {
  const violates = (inc.violations ?? []).length > 0;
  return el('li', {
    'data-incident': inc.id, class: `${violates ? 'violation' : ''}${state.selected === inc.id ? ' selected' : ''}`,
    tabindex: 0, onclick: () => select(inc.id), onkeydown: (e) => e.key === 'Enter' && select(inc.id),
  },
  el('span', { class: 'when' }, shortTime(inc.last_time)),
  el('span', { class: 'what' }, `${inc.event.replaceAll('_', ' ')} · ${inc.n_observations} obs.`),
  el('span', { class: 'where' }, inc.zone ? zoneName(inc.zone) : 'no position'),
  violates ? el('span', { class: 'rules' }, inc.violations.map((v) => v.rule).join(', ')) : null);
}

function updateCounts() {
  const shown = $('incidents').children.length;
  const total = state.incidents.size;
  $('counts').textContent = shown === total ? `${total} incident${total === 1 ? '' : 's'}` : `${shown} of ${total} incidents shown`;
}

// Everything again: after loading the list or changing a filter.
function renderAll() {
  const visible = [...state.incidents.values()].filter((i) => matches(i, state.filters)).sort(byRecency);
  $('incidents').replaceChildren(...visible.map(listItem));
  mapView.clearIncidents();
  for (const inc of state.incidents.values()) mapView.setIncident(inc, matches(inc, state.filters));
  updateCounts();
}

// One incident, new or revised, as the stream delivers it.
function renderOne(inc) {
  const list = $('incidents');
  list.querySelector(`li[data-incident="${CSS.escape(inc.id)}"]`)?.remove();
  if (isWithdrawn(inc)) state.incidents.delete(inc.id);
  const visible = !isWithdrawn(inc) && matches(inc, state.filters);
  mapView.setIncident(inc, visible);
  if (visible) {
    const item = listItem(inc);
    const before = [...list.children].find((li) => byRecency(inc, state.incidents.get(li.dataset.incident)) < 0);
    list.insertBefore(item, before ?? null);
    item.classList.add('fresh');
  }
  updateCounts();
  if (state.selected === inc.id) select(inc.id);
}

// --- the detail panel ------------------------------------------------------------------------

async function select(id) {
  state.selected = id;
  for (const li of document.querySelectorAll('#incidents li.selected')) li.classList.remove('selected');
  document.querySelector(`#incidents li[data-incident="${CSS.escape(id)}"]`)?.classList.add('selected');
  mapView.select(id, state.incidents.get(id));
  try {
    const inc = await state.api.get(`/v1/incidents/${encodeURIComponent(id)}`);
    if (state.selected !== id) return;
    renderDetail($('detail'), inc, zoneName, closeDetail);
  } catch (e) {
    $('detail').replaceChildren(el('p', { class: 'error' }, `${id}: ${e.message}`));
    $('detail').hidden = false;
  }
}

function closeDetail() {
  state.selected = null;
  $('detail').hidden = true;
  mapView.select(null);
}

// --- filters ---------------------------------------------------------------------------------

function fillFilters(zonesGeojson) {
  const form = $('filters');
  const zoneSel = form.elements.zone, contSel = form.elements.contingent, eventSel = form.elements.event;
  const feats = [...zonesGeojson.features].sort((a, b) => a.properties.name.localeCompare(b.properties.name));
  for (const f of feats) zoneSel.append(el('option', { value: f.properties.id }, f.properties.name));
  const contingents = [...new Set(feats.map((f) => f.properties.responsible).filter(Boolean))].sort();
  for (const c of contingents) contSel.append(el('option', { value: c }, c));
  for (const e of EVENTS) eventSel.append(el('option', { value: e }, e.replaceAll('_', ' ')));
  const read = () => {
    state.filters = {
      since: parseUtcInput(form.elements.since.value), until: parseUtcInput(form.elements.until.value),
      zone: zoneSel.value, contingent: contSel.value, event: eventSel.value,
    };
    renderAll();
  };
  form.addEventListener('change', read);
  form.addEventListener('reset', () => setTimeout(read));
  form.addEventListener('submit', (e) => e.preventDefault());
  form.hidden = false;
}

// --- incidents: the list, then the stream -----------------------------------------------------

// The stream is opened before the list is fetched, so nothing published in between is missed;
// upsert() keeps the newest revision whichever arrives last. After a dropped connection the
// browser reconnects with Last-Event-ID and the server replays what was missed; when too much
// was, it sends "reset" instead and the list is fetched again.
function openStream() {
  const es = state.api.stream('/v1/incidents/stream');
  state.stream = es;
  es.addEventListener('incident', (ev) => {
    const inc = JSON.parse(ev.data);
    if (upsert(state.incidents, inc)) renderOne(inc);
  });
  es.addEventListener('reset', () => loadIncidents());
  es.addEventListener('open', () => setStatus('live', 'live'));
  es.addEventListener('error', () => {
    setStatus(es.readyState === EventSource.CLOSED ? 'down' : 'reconnecting',
      es.readyState === EventSource.CLOSED ? 'stream closed: reload the page' : 'reconnecting…');
  });
}

async function loadIncidents() {
  const list = await state.api.allIncidents();
  for (const inc of list) upsert(state.incidents, inc);
  for (const inc of list) if (isWithdrawn(inc)) state.incidents.delete(inc.id);
  renderAll();
}

// Alerts (violations and zone thresholds, as the webhooks deliver them): the recent ones from
// GET /v1/alerts, then new ones from the stream. The newest ALERTS_KEPT are shown, newest first;
// a click opens the incident. The count is of those the stream brought since the page opened.
const ALERTS_KEPT = 50;
const ALERT_HISTORY_MS = 24 * 3600 * 1000;

// "a-17" -> 17: ids are given in the order alerts were raised.
const alertNumber = (id) => Number(String(id).replace(/^a-/, '')) || 0;

// Puts the alert in id order, unless it is shown already (the listing, the catch-up and the
// stream overlap); true when added.
function showAlert(a) {
  const list = $('alert-list');
  const n = alertNumber(a.id);
  let before = null;
  for (const li of list.children) {
    const m = alertNumber(li.dataset.alert);
    if (m === n) return false;
    if (m < n) { before = li; break; }
  }
  list.insertBefore(el('li', { class: `alert-${a.type}`, 'data-alert': a.id,
    onclick: () => a.incident_id && select(a.incident_id) },
  el('span', { class: 'when' }, shortTime(a.time)), ` ${a.message}`), before);
  while (list.children.length > ALERTS_KEPT) list.lastChild.remove();
  return true;
}

function newestShown() {
  const first = $('alert-list').firstElementChild;
  return first ? alertNumber(first.dataset.alert) : 0;
}

// Shows the recent alerts. ok false: this token may not read alerts (403). listing false: a server
// without the listing (or one that failed) leaves the stream alone to fill the list.
async function loadAlerts() {
  try {
    const since = new Date(Date.now() - ALERT_HISTORY_MS).toISOString();
    for (const a of await state.api.alertsSince(since, ALERTS_KEPT)) showAlert(a);
    return { ok: true, listing: true, since };
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return { ok: false };
    return { ok: true, listing: false };
  }
}

async function openAlerts() {
  const loaded = await loadAlerts();
  if (!loaded.ok) {
    $('alerts').hidden = true;
    return;
  }
  if ($('alert-list').children.length) $('alerts').hidden = false;
  const es = state.api.stream('/v1/alerts/stream');
  state.alerts = es;
  let count = 0;
  const arrived = (a) => { if (showAlert(a)) $('alert-count').textContent = String(++count); };
  es.addEventListener('alert', (ev) => arrived(JSON.parse(ev.data)));
  es.addEventListener('open', () => {
    $('alerts').hidden = false;
    // What was raised between the listing and this (re)connection: the stream does not replay it.
    if (loaded.listing) {
      state.api.alertsSince(loaded.since, ALERTS_KEPT, String(newestShown()))
        .then((missed) => missed.forEach(arrived)).catch(() => {});
    }
  });
  // A token that may not read alerts gets no stream: the section stays hidden.
  es.addEventListener('error', () => { if (es.readyState === EventSource.CLOSED) $('alerts').hidden = true; });
}

// --- start -----------------------------------------------------------------------------------

function askToken(message) {
  forgetToken();
  state.stream?.close();
  state.alerts?.close();
  $('token-form').hidden = false;
  $('token-error').textContent = message ?? '';
  setStatus('idle', 'not signed in');
}

async function start(token) {
  state.api = new Api(token);
  $('token-form').hidden = true;
  setStatus('connecting', 'connecting…');
  let zones;
  try {
    zones = await state.api.get('/v1/zones');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return askToken('The server does not know this token.');
    setStatus('down', `cannot reach the server: ${e.message}`);
    return;
  }
  for (const f of zones.features) state.zones.set(f.properties.id, f.properties);
  mapView.showZones(zones);
  fillFilters(zones);
  document.body.dataset.zones = String(zones.features.length);
  try {
    openStream();
    openAlerts();  // on its own: alerts a token may not read leave the incidents alone
    await loadIncidents();
    if (state.linked) select(state.linked);
  } catch (e) {
    state.stream?.close();
    state.alerts?.close();
    if (e instanceof ApiError && e.status === 403) setStatus('down', 'this token may not read incidents');
    else if (e instanceof ApiError && e.status === 404) setStatus('down', 'this server publishes no incidents');
    else setStatus('down', `incidents: ${e.message}`);
  }
}

async function main() {
  mapView = new MapView($('map'), select);
  health().then((h) => { if (h?.plan) $('plan').textContent = h.plan; }).catch(() => {});
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = $('token-input').value.trim();
    if (!t) return;
    saveToken(t);
    start(t);
  });
  state.linked = incidentFromHash(window.location.hash);  // before takeToken() clears the fragment
  const token = takeToken();
  if (token) start(token);
  else askToken();
}

main();
