// The observer app at /report: file a report in a few taps, keep it on the device until the
// server has it. Reports go to IndexedDB first and are sent from there (report-sender.js); the
// page and the plan's zones come from the service worker's cache when the server is out of reach
// (report-sw.js), so a patrol can open the app, file and reload with no connection at all.
import 'leaflet/dist/leaflet.css';
import './report.css';
import { el } from './dom.js';
import { tokenFromHash } from './token.js';
import { ReportForm } from './report-form.js';
import { PickMap } from './report-map.js';
import { renderReports } from './report-list.js';
import { newReport, ofTheDay, tally } from './report-queue.js';
import { toObservation } from './report-model.js';
import { Sender } from './report-sender.js';
import { DeviceKey } from './report-sign.js';
import { allReports, askToPersist, pruneSettled, putReport } from './report-store.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'truceline.observer.token';
// The cache the service worker keeps the zones in (report-sw.js); the page reads it too, for a
// browser that runs no worker.
const DATA_CACHE = 'truceline-report-data';
const KEEP_SETTLED_MS = 7 * 24 * 3600 * 1000;

const state = { token: null, zones: new Map(), parties: [], form: null, sender: null };

// The token is kept in localStorage, not sessionStorage as the dashboard does: an observer types
// it once on a phone that reopens the app for days, and the queue must send without it retyped.
function takeToken() {
  const fromHash = tokenFromHash(window.location.hash);
  if (fromHash) {
    localStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return localStorage.getItem(TOKEN_KEY);
}

function setNet(online, text) {
  $('net').dataset.state = online ? 'online' : 'offline';
  $('net').textContent = text ?? (online ? 'online' : 'offline: reports wait on this device');
}

// What the token may do, found by a request that changes nothing: an empty batch is refused
// with 422 for a role that may file reports and 403 for one that may not (docs/api.md).
async function roleOf(token) {
  let res;
  try {
    res = await fetch('/v1/observations', { method: 'POST', body: '[]',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  } catch {
    return 'unreachable';
  }
  if (res.status === 401) return 'unknown';
  if (res.status === 403) return 'not_observer';
  return res.status === 422 ? 'observer' : 'unreachable';
}

const REFUSALS = {
  unknown: 'The server does not know this token.',
  not_observer: 'This page is for observers only: this token\'s role may not file reports. Analysts and contingents use the dashboard at /.',
};

function askToken(message) {
  localStorage.removeItem(TOKEN_KEY);
  state.token = null;
  $('signin').hidden = false;
  $('report').hidden = true;
  $('token-error').textContent = message ?? '';
}

async function signIn(token) {
  const role = await roleOf(token);
  if (REFUSALS[role]) return askToken(REFUSALS[role]);
  localStorage.setItem(TOKEN_KEY, token);
  state.token = token;
  $('signin').hidden = true;
  $('token-error').textContent = '';
  $('report').hidden = false;
  $('token-note').textContent = role === 'unreachable' ? 'The token is checked once the server can be reached.' : '';
  if (role === 'observer') setNet(true);
  if (!state.zones.size) loadZones();
  state.sender.flush({ all: true });
}

// --- the plan's zones ------------------------------------------------------------------------

async function zonesFromNetwork() {
  const res = await fetch('/v1/zones', { headers: { Authorization: `Bearer ${state.token}`, Accept: 'application/json' } });
  if (!res.ok) throw new Error(`zones: ${res.status}`);
  // Without a worker in charge of this page (its very first load) the page keeps the copy itself.
  if (!navigator.serviceWorker?.controller && window.caches) {
    const copy = res.clone();
    caches.open(DATA_CACHE).then((c) => c.put('/v1/zones', copy)).catch(() => {});
  }
  return res.json();
}

async function zonesFromCache() {
  const hit = window.caches && await caches.match('/v1/zones', { cacheName: DATA_CACHE });
  return hit ? hit.json() : null;
}

async function loadZones() {
  let zones = null;
  try {
    zones = await zonesFromNetwork();
  } catch {
    zones = await zonesFromCache().catch(() => null);
  }
  if (!zones) return;
  for (const f of zones.features) state.zones.set(f.properties.id, f.properties);
  state.parties = [...new Set(zones.features.map((f) => f.properties.responsible).filter(Boolean))].sort();
  state.form.setZones(zones);
  document.body.dataset.zones = String(zones.features.length);
}

const zoneName = (id) => state.zones.get(id)?.name ?? id;

// --- the reports -----------------------------------------------------------------------------

async function showReports() {
  const mine = ofTheDay(await allReports(), Date.now());
  renderReports($('queue'), mine, zoneName);
  $('tally').textContent = tally(mine);
}

async function queue(draft) {
  const r = newReport(toObservation(draft), crypto.randomUUID(), Date.now());
  await putReport(r);
  await showReports();
  $('filed').textContent = 'Report queued.';
  state.sender.flush({ all: true });
}

function changed(r) {
  if (r.state === 'recorded') setNet(true);
  else if (r.error === 'no connection') setNet(false);
  showReports();
}

// --- start -----------------------------------------------------------------------------------

function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/report-sw.js', { scope: '/report' })
    .then(() => navigator.serviceWorker.ready)
    .then(() => { document.body.dataset.worker = 'ready'; })
    .catch((e) => { $('token-note').textContent = `This browser will not keep the app offline: ${e.message}`; });
}

async function main() {
  registerWorker();
  askToPersist();
  const signer = await DeviceKey.load();
  document.body.dataset.signing = signer ? 'device' : 'token';
  $('signing').textContent = signer
    ? 'Reports are signed on this device before they are sent.'
    : 'This browser cannot sign reports (no Ed25519): they are sent with the token alone.';
  state.sender = new Sender({ token: () => state.token, changed, signer,
    blocked: (message) => askToken(`${message}. Your reports wait on this device.`) });
  state.form = new ReportForm($('report'), {
    parties: () => state.parties, makeMap: (box) => new PickMap(box), queue, settings: localStorage,
  });
  $('signin').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = $('token-input').value.trim();
    if (t) signIn(t);
  });
  $('change-token').addEventListener('click', () => askToken());
  // "Report queued." stays until the observer starts on the next one.
  $('report').addEventListener('click', () => { $('filed').textContent = ''; });
  window.addEventListener('offline', () => setNet(false));
  await pruneSettled(Date.now() - KEEP_SETTLED_MS).catch(() => {});
  await showReports();
  state.token = takeToken();
  if (!state.token) askToken();
  else {
    $('report').hidden = false;
    // Offline the form is usable at once; the token is checked when the server answers.
    roleOf(state.token).then((role) => {
      if (REFUSALS[role]) askToken(REFUSALS[role]);
      else if (role === 'observer') setNet(true);
      else setNet(false);
    });
  }
  loadZones();
  await state.sender.start();
  document.body.dataset.ready = 'true';
}

main().catch((e) => { document.body.prepend(el('p', { class: 'error' }, `The app failed to start: ${e.message}`)); });
