// End to end: a real `truceline serve` with a fresh record, Debian's Chromium opening the
// dashboard. The zones are drawn (one SVG path per zone of GET /v1/zones), an observation posted
// through the API arrives over the incidents stream into the list and onto the map, a click shows
// the observation it came from, and filters hide and show it again. The page asks for nothing but
// its own server.
//
//   node web/e2e/dashboard.test.mjs --binary build/truceline --source . [--out build]
//
// On failure a screenshot is saved as OUT/e2e-dashboard-failure.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseArgs } from 'node:util';
import { launch, offlinePage } from './browser.mjs';
import { api, startServer } from './server.mjs';

const { values: args } = parseArgs({
  options: { binary: { type: 'string' }, source: { type: 'string' }, out: { type: 'string' } },
});
const source = path.resolve(args.source ?? '.');
const binary = path.resolve(args.binary ?? path.join(source, 'build', 'truceline'));
const outDir = path.resolve(args.out ?? path.dirname(binary));
const web = path.join(source, 'web', 'dist');
const plan = path.join(source, 'plans', 'kellogg-2025-04.toml');

const WAIT = { timeout: 30_000 };

test('the dashboard draws the zones and follows incidents live', async (t) => {
  assert.ok(fs.existsSync(binary), `no truceline binary at ${binary}: build it first (make build)`);
  assert.ok(fs.existsSync(path.join(web, 'index.html')), `no built dashboard in ${web}: run make web`);
  const browser = await launch();
  t.after(() => browser.close());
  const server = await startServer({ binary, plan, web });
  t.after(() => server.stop());
  const { page, refused, errors } = await offlinePage(browser, server.url);

  try {
    // The page itself is public; the data behind it needs the token in the fragment.
    const index = await fetch(new URL('/', server.url));
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /^text\/html/);
    const js = await fetch(new URL('/app.js', server.url));
    assert.match(js.headers.get('content-type'), /javascript/);

    const zones = await api(server, 'GET', '/v1/zones', server.tokens.analyst);
    assert.ok(zones.features.length > 0, 'the plan has zones');

    await page.goto(`${server.url}/#token=${server.tokens.analyst}`);
    await page.waitForSelector('#status[data-state="live"]', WAIT);
    // One path per zone polygon: a zone may be a MultiPolygon, drawn as one path of several rings.
    assert.equal(await page.locator('path.zone').count(), zones.features.length);
    for (const f of zones.features)
      assert.equal(await page.locator(`path.zone[data-zone="${f.properties.id}"]`).count(), 1, `zone ${f.properties.id} drawn`);
    assert.equal(await page.evaluate(() => window.location.hash), '', 'the token is taken out of the address bar');
    assert.equal(await page.locator('#incidents li').count(), 0, 'a fresh record has no incidents');

    // Two tanks seen near Huliaipole, a minute ago.
    const time = new Date(Date.now() - 60_000).toISOString();
    const posted = await api(server, 'POST', '/v1/observations', server.tokens.admin, {
      time, observer_id: 'e2e-patrol-1', observer_kind: 'patrol', mode: 'saw', event: 'armour',
      count: 2, weapon: 'T-72', weapon_class: 'tank', lat: 47.62, lon: 36.28,
    });
    const record = await api(server, 'GET', `/v1/observations/${posted.id}`, server.tokens.analyst);
    const zone = zones.features.find((f) => f.properties.id === record.placement.zone_id);
    assert.ok(zone, `the observation lies in a zone of the plan (${record.placement.zone_id})`);

    // It arrives over the stream: no reload, no polling.
    const item = page.locator('#incidents li[data-incident]');
    await item.first().waitFor(WAIT);
    assert.equal(await item.count(), 1);
    assert.match(await item.first().textContent(), /armour/);
    assert.match(await item.first().locator('.where').textContent(), new RegExp(zone.properties.name));
    assert.equal(await page.locator('path.incident').count(), 1, 'one incident on the map');
    const incidentId = await item.first().getAttribute('data-incident');

    // Tanks in the demilitarized zone break the plan's weapon rule: an alert arrives on its own
    // stream and names the incident.
    assert.equal(record.placement.zone_kind, 'dmz', 'the test point lies in the DMZ');
    await page.locator('#alert-list li', { hasText: incidentId }).first().waitFor(WAIT);
    assert.equal(await page.locator('#alert-count').textContent(), '1');

    // A click on the map's dot opens its observations and history.
    await page.locator(`path.incident[data-incident="${incidentId}"]`).click({ force: true });
    await page.locator(`#detail tr[data-observation="${posted.id}"]`).waitFor(WAIT);
    assert.match(await page.locator('#detail h2').textContent(), new RegExp(incidentId));
    assert.ok(await page.locator('#detail table.revisions tbody tr').count() >= 1, 'its history has a revision');

    // Filters: another event hides it from list and map; its own zone shows it again; a time
    // window that ends before it hides it once more.
    await page.selectOption('#filters select[name=event]', 'explosion');
    await page.locator('#incidents li').first().waitFor({ state: 'detached', ...WAIT });
    assert.equal(await page.locator('path.incident').count(), 0);
    assert.match(await page.locator('#counts').textContent(), /0 of 1/);
    await page.selectOption('#filters select[name=event]', '');
    await page.selectOption('#filters select[name=zone]', zone.properties.id);
    await item.first().waitFor(WAIT);
    assert.equal(await page.locator('path.incident').count(), 1);
    await page.fill('#filters input[name=until]', '2025-01-01T00:00');
    await page.locator('#filters input[name=until]').dispatchEvent('change');
    await page.locator('#incidents li').first().waitFor({ state: 'detached', ...WAIT });

    assert.deepEqual(errors, [], 'no script errors');
    assert.deepEqual(refused, [], 'the page asked for nothing outside its server');
  } catch (e) {
    const shot = path.join(outDir, 'e2e-dashboard-failure.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    console.error(`screenshot: ${shot}\nserver log:\n${server.log()}`);
    throw e;
  }
});
