// End to end: the observer app at /report on a phone-sized Chromium (360 × 740, touch) against a
// real `truceline serve`. A report filed online reaches the record; a token of another role is
// told the app is for observers; with the server stopped, a report failing a check is shown the
// error beside its field and queues nothing, three good ones are queued, the page reloads from
// the service worker with the three still queued; the server started again on the same port and
// record receives exactly those three, and the page shows them recorded. A report the server
// refuses is shown refused and not sent again. Every report is signed on the device with a key
// it registered (POST /v1/keys). The page asks for nothing but its own server.
//
//   node web/e2e/report.test.mjs --binary build/truceline --source . [--out build] [--shots out/report]
//
// Screenshots of the steps go to SHOTS (DEFAULT: <source>/out/report); on failure one more,
// OUT/e2e-report-failure.png, and the server's log is printed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseArgs } from 'node:util';
import { launch, offlinePage } from './browser.mjs';
import { api, createToken } from './server.mjs';

const { values: args } = parseArgs({
  options: { binary: { type: 'string' }, source: { type: 'string' }, out: { type: 'string' }, shots: { type: 'string' } },
});
const source = path.resolve(args.source ?? '.');
const binary = path.resolve(args.binary ?? path.join(source, 'build', 'truceline'));
const outDir = path.resolve(args.out ?? path.dirname(binary));
const shots = path.resolve(args.shots ?? path.join(source, 'out', 'report'));
const web = path.join(source, 'web', 'dist');
const plan = path.join(source, 'plans', 'kellogg-2025-04.toml');

const WAIT = { timeout: 30_000 };
// Long enough for the longest backoff (30 s, +25 %) after the server comes back.
const RETRY_WAIT = { timeout: 90_000 };
const PHONE = { width: 360, height: 740 };
const DEVICE_FIX = { latitude: 48.72305, longitude: 37.55629, accuracy: 12 };

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// `truceline serve` on a given port and record, so that it can be stopped and started again on
// the same ones (web/e2e/server.mjs picks a fresh port and record each time).
async function serve(db, port, log) {
  const proc = spawn(binary, ['serve', '--plan', plan, '--db', db, '--listen', `127.0.0.1:${port}`, '--threads', '16', '--web', web],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderr.on('data', (d) => { log.text += d; });
  await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => { out += d; if (/on http:\/\/127\.0\.0\.1:\d+/.test(out)) resolve(); });
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${log.text}`)));
  });
  proc.removeAllListeners('exit');
  return {
    async stop() {
      if (proc.exitCode != null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const killed = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

// The reports in the page's IndexedDB, counted by state: what the device holds, whatever it shows.
function storedStates(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('truceline-report');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const all = req.result.transaction('reports').objectStore('reports').getAll();
      all.onsuccess = () => {
        const n = {};
        for (const r of all.result) n[r.state] = (n[r.state] ?? 0) + 1;
        req.result.close();
        resolve(n);
      };
    };
  }));
}

async function allObservations(url, token) {
  const r = await api({ url }, 'GET', '/v1/observations?limit=1000', token);
  return r.observations;
}

test('the observer app files reports online, queues them offline and sends each once', async (t) => {
  assert.ok(fs.existsSync(binary), `no truceline binary at ${binary}: build it first (make build)`);
  assert.ok(fs.existsSync(path.join(web, 'report.html')), `no built observer app in ${web}: run make web`);
  fs.mkdirSync(shots, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-e2e-report-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const db = path.join(dir, 'record.sqlite');
  const tokens = {
    observer: createToken(binary, db, 'observer', 'e2e patrol 7'),
    analyst: createToken(binary, db, 'analyst', 'e2e analyst'),
  };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = { text: '' };
  let server = await serve(db, port, log);
  t.after(() => server.stop());
  const browser = await launch();
  t.after(() => browser.close());
  const { page, refused, errors } = await offlinePage(browser, url, {
    viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true,
    geolocation: DEVICE_FIX, permissions: ['geolocation'],
  });
  const shot = (name) => page.screenshot({ path: path.join(shots, name) });
  const list = page.locator('#queue li');
  const inState = (s) => page.locator(`#queue li[data-state="${s}"]`);
  const step = (s) => page.waitForSelector(`#report[data-step="${s}"]`, WAIT);
  const next = async (s) => { await page.tap('#next'); await step(s); };
  // Gloved fingers: every button and field of the step on screen is at least 48 px each way.
  const bigTargets = async () => {
    const controls = await page.locator('#report button:visible, #report input:visible').all();
    assert.ok(controls.length > 0);
    for (const c of controls) {
      const box = await c.boundingBox();
      assert.ok(box.width >= 48 && box.height >= 48, `${await c.evaluate((e) => e.outerHTML.slice(0, 80))}: ${box.width} × ${box.height}`);
    }
  };

  try {
    // Served at /report and /report/, the worker beside it.
    for (const p of ['/report', '/report/']) {
      const res = await fetch(url + p);
      assert.equal(res.status, 200, p);
      assert.match(res.headers.get('content-type'), /^text\/html/, p);
    }
    assert.match((await fetch(`${url}/report-sw.js`)).headers.get('content-type'), /javascript/);
    const zones = await api({ url }, 'GET', '/v1/zones', tokens.analyst);

    // A token of another role is told what the page is for, and not kept.
    await page.goto(`${url}/report#token=${tokens.analyst}`);
    await page.locator('#token-error', { hasText: 'observers only' }).waitFor(WAIT);
    assert.equal(await page.evaluate(() => localStorage.getItem('truceline.observer.token')), null);

    // The observer's token, typed once; then the worker takes charge of the page.
    await page.fill('#token-input', tokens.observer);
    await page.tap('#signin button[type=submit]');
    await step('kind');
    await page.waitForFunction(() => navigator.serviceWorker.controller != null, null, WAIT);
    await page.waitForSelector('body[data-zones]', WAIT);
    assert.ok(await page.locator('#signin').isHidden(), 'the sign-in form is gone');
    assert.equal(await page.evaluate(() => window.location.hash), '');
    await shot('01-kind.png');
    await bigTargets();

    // One report online: three impact explosions heard 3–6 km south-east of the device's fix.
    await page.tap('button[data-kind=explosion]');
    await step('what');
    assert.equal(await page.getAttribute('[data-choice=mode] button[data-value=heard]', 'aria-pressed'), 'true');
    await page.tap('[aria-label="one more"]');
    await page.tap('[aria-label="one more"]');
    await page.tap('[data-choice=explosion_type] button[data-value=impact]');
    await next('where');
    await page.tap('#use-device');
    await page.locator('#position-shown', { hasText: '± 12 m' }).waitFor(WAIT);
    await next('aim');
    await page.tap('.rose button[data-point=SE]');
    assert.match(await page.textContent('#bearing-shown'), /SE = 135°/);
    await page.fill('input[name=range_min]', '3');
    await page.fill('input[name=range_max]', '6');
    await bigTargets();
    await shot('02-direction.png');
    await next('send');
    await page.fill('input[name=observer_id]', 'E2E-P7');
    await page.fill('textarea[name=notes]', 'online one');
    await page.tap('#queue-report');
    await inState('recorded').first().waitFor(WAIT);
    await page.locator('#queue li[data-state=recorded] .state', { hasText: 'log #' }).waitFor(WAIT);
    let records = await allObservations(url, tokens.analyst);
    assert.equal(records.length, 1);
    const first = records[0];
    assert.equal(await inState('recorded').getAttribute('data-id'), first.id);
    assert.deepEqual(
      [first.observation.event, first.observation.explosion_type, first.observation.count, first.observation.direction,
        first.observation.range_min_km, first.observation.range_max_km, first.observation.observer_id, first.observation.notes],
      ['explosion', 'impact', 3, 'SE', 3, 6, 'E2E-P7', 'online one']);
    assert.ok(Math.abs(first.observation.observer_lat - DEVICE_FIX.latitude) < 1e-6);
    // Signed on the device: the record keeps the envelope, whose payload is the observation, and
    // the token now has a key, so a report it sends unsigned is refused.
    assert.equal(await page.getAttribute('body', 'data-signing'), 'device');
    assert.equal(first.signed?.envelope?.payloadType, 'application/vnd.truceline.observation+json');
    assert.deepEqual(JSON.parse(Buffer.from(first.signed.envelope.payload, 'base64').toString('utf8')).notes, 'online one');
    assert.equal(await inState('recorded').getAttribute('data-signed'), 'true');
    const unsigned = await fetch(`${url}/v1/observations`, { method: 'POST', body: JSON.stringify(first.observation),
      headers: { Authorization: `Bearer ${tokens.observer}`, 'Content-Type': 'application/json' } });
    assert.equal(unsigned.status, 422);
    assert.equal((await unsigned.json()).error.code, 'signature_required');
    // Where the server placed it, in the list: its zone's name.
    const zone = zones.features.find((f) => f.properties.id === first.placement.zone_id);
    assert.ok(zone, `placed in a zone of the plan (${first.placement.zone_id})`);
    await page.locator('#queue li[data-state=recorded] .placement', { hasText: zone.properties.name }).waitFor(WAIT);

    // The server goes away: the process is stopped, its port closed.
    await server.stop();
    await assert.rejects(fetch(`${url}/v1/health`), 'the port is closed');

    // A range band the wrong way round: the error beside the range fields, nothing queued.
    await page.tap('button[data-kind=burst]');
    await step('what');
    await next('where');
    await page.locator('#map').tap({ position: { x: 170, y: 110 } });
    await page.locator('#position-shown', { hasText: 'map:' }).waitFor(WAIT);
    await next('aim');
    await page.fill('input[name=range_min]', '5');
    await page.fill('input[name=range_max]', '2');
    await page.tap('#next');
    const rangeError = page.locator('[data-field=range] [data-error-for=range]');
    await rangeError.waitFor({ state: 'visible', ...WAIT });
    assert.match(await rangeError.textContent(), /min/);
    assert.equal(await page.getAttribute('#report', 'data-step'), 'aim', 'the step is not left');
    await shot('03-validation.png');
    assert.equal(await list.count(), 1);
    assert.deepEqual(await storedStates(page), { recorded: 1 }, 'nothing queued');

    // Three good reports with the server gone. One: the burst, its band put right, one injured.
    await page.fill('input[name=range_min]', '2');
    await page.fill('input[name=range_max]', '5');
    await next('send');
    assert.equal(await rangeError.count(), 0);
    await page.tap('details.more summary');
    await page.fill('input[name=injured]', '1');
    await page.fill('textarea[name=notes]', 'offline one');
    await page.tap('#queue-report');
    await inState('queued').first().waitFor(WAIT);

    // Two: passage denied by a party of the plan for 30 minutes, at an MGRS reference.
    await page.tap('button[data-kind=restriction]');
    await step('what');
    await page.tap('[data-choice=restriction_type] button[data-value=denied_passage]');
    await page.tap('[data-choice=imposed_by] button[data-value=ru]');
    await page.fill('input[name=duration_min]', '30');
    await next('where');
    await page.fill('input[name=mgrs]', '37U DQ 12345 67890');
    await next('send');
    await page.fill('textarea[name=notes]', 'offline two');
    await page.tap('#queue-report');
    await page.waitForFunction(() => document.querySelectorAll('#queue li[data-state=queued]').length === 2, null, WAIT);

    // Three: a holding area with artillery missing, four pieces counted, at the device's fix.
    await page.tap('button[data-kind=weapons_site]');
    await step('what');
    await page.fill('input[name=site_id]', 'HA-3');
    await page.tap('[data-choice=site_status] button[data-value=weapons_missing]');
    await page.fill('input[name="weapons.artillery_ge_100"]', '4');
    await next('where');
    await page.tap('#use-device');
    await page.locator('#position-shown', { hasText: 'device:' }).waitFor(WAIT);
    await next('send');
    await page.fill('textarea[name=notes]', 'offline three');
    await page.tap('#queue-report');
    await page.waitForFunction(() => document.querySelectorAll('#queue li[data-state=queued]').length === 3, null, WAIT);
    assert.equal(await page.getAttribute('#net', 'data-state'), 'offline');
    assert.equal(await page.locator('#queue li[data-state=queued] .placement', { hasText: 'placed on arrival' }).count(), 3);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await shot('04-queued.png');

    // Reloaded with the server gone: the worker serves the page; the three are still queued, and
    // the plan's zones are drawn from the cache.
    await page.reload();
    await page.waitForSelector('body[data-ready=true]', WAIT);
    await page.waitForFunction(() => document.querySelectorAll('#queue li[data-state=queued]').length === 3, null, WAIT);
    assert.equal(await inState('recorded').count(), 1);
    assert.deepEqual(await storedStates(page), { recorded: 1, queued: 3 });
    await page.waitForSelector('body[data-zones]', WAIT);
    await page.tap('button[data-kind=other]');
    await step('what');
    await next('where');
    await page.waitForFunction((n) => document.querySelectorAll('path.zone').length === n, zones.features.length, WAIT);
    assert.equal((await allObservations(url, tokens.analyst).catch(() => null)), null, 'the server is still away');

    // Back on the same port and record: the queue empties into it, each report once.
    server = await serve(db, port, log);
    await page.waitForFunction(() => document.querySelectorAll('#queue li[data-state=recorded]').length === 4, null, RETRY_WAIT);
    assert.equal(await inState('queued').count(), 0);
    records = await allObservations(url, tokens.analyst);
    assert.equal(records.length, 4, 'exactly three new records');
    const byNotes = Object.fromEntries(records.map((r) => [r.observation.notes, r]));
    assert.deepEqual(Object.keys(byNotes).sort(), ['offline one', 'offline three', 'offline two', 'online one']);
    assert.deepEqual(byNotes['offline one'].observation.casualties, { killed: 0, injured: 1, civilian: true, corroborated: false });
    assert.equal(byNotes['offline one'].observation.range_max_km, 5);
    const restriction = byNotes['offline two'].observation;
    assert.deepEqual([restriction.restriction_type, restriction.imposed_by, restriction.duration_min, restriction.observer_mgrs],
      ['denied_passage', 'ru', 30, '37U DQ 12345 67890']);
    assert.deepEqual(byNotes['offline three'].observation.weapons, { artillery_ge_100: 4 });
    for (const r of records) assert.ok(r.signed?.envelope, `${r.id} was signed on the device`);
    const shownIds = await page.locator('#queue li[data-state=recorded]').evaluateAll((els) => els.map((e) => e.dataset.id).sort());
    assert.deepEqual(shownIds, records.map((r) => r.id).sort());
    await page.locator('#net[data-state=online]').waitFor(WAIT);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await shot('05-recorded.png');

    // A report the server refuses (a party the plan does not have): refused with its reason, and
    // not sent again.
    await page.tap('#back');
    await page.tap('#back');
    await step('kind');
    await page.tap('button[data-kind=restriction]');
    await step('what');
    await page.tap('[data-choice=restriction_type] button[data-value=delayed]');
    await page.fill('input[name=imposed_by]', 'nobody');
    await next('where');
    await page.tap('#use-device');
    await page.locator('#position-shown', { hasText: 'device:' }).waitFor(WAIT);
    await next('send');
    await page.tap('#queue-report');
    await page.locator('#queue li[data-state=refused] .state', { hasText: 'not a party of the plan' }).waitFor(WAIT);
    assert.equal((await allObservations(url, tokens.analyst)).length, 4);
    assert.deepEqual(await storedStates(page), { recorded: 4, refused: 1 });

    assert.deepEqual(errors, [], 'no script errors');
    assert.deepEqual(refused, [], 'the page asked for nothing outside its server');
  } catch (e) {
    const failure = path.join(outDir, 'e2e-report-failure.png');
    await page.screenshot({ path: failure, fullPage: true }).catch(() => {});
    console.error(`screenshot: ${failure}\nserver log:\n${log.text}`);
    throw e;
  }
});
