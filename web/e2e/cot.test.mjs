// The CoT feed read by a client nobody here wrote: @tak-ps/node-cot parses (and validates against
// its schema) every event of `serve --cot-listen` and of GET /v1/cot. A real serve on free ports;
// observations posted over the API. A connection without a token gets the plan's drawings and no
// incident; an analyst's gets every incident, a contingent's only its own; positions and uids
// match GET /v1/incidents, a revision keeps its uid, and ce holds the stated 39.35 %. A spot
// report node-cot makes, sent by an observer's connection, becomes an observation.
//
//   node web/e2e/cot.test.mjs --binary build/truceline --source .
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { parseArgs } from 'node:util';
import CoT from '@tak-ps/node-cot';
import { api, createToken, startServer } from './server.mjs';

const { values: args } = parseArgs({
  options: { binary: { type: 'string' }, source: { type: 'string' }, out: { type: 'string' } },
});
const source = path.resolve(args.source ?? '.');
const binary = path.resolve(args.binary ?? path.join(source, 'build', 'truceline'));

// A TCP client of the feed, holding all it has read.
function connect(port, token) {
  const sock = net.connect(port, '127.0.0.1');
  const client = { text: '', ended: false, sock };
  sock.setEncoding('utf8');
  sock.on('data', (d) => { client.text += d; });
  sock.on('close', () => { client.ended = true; });
  if (token) sock.write(`token ${token}\n`);
  return client;
}

// Every <event>…</event> of a stream or document, each parsed by node-cot (which throws on one
// its schema refuses).
function events(text) {
  return (text.match(/<event\s[\s\S]*?<\/event>/g) ?? []).map((xml) => new CoT(xml));
}

const attrs = (cot) => cot.raw.event._attributes;
const point = (cot) => cot.raw.event.point._attributes;
const isIncident = (cot) => attrs(cot).uid.includes('.incident.');

// Waits for `f()` (60 s at most: a bound for a hung test, not a measurement).
async function until(f, what) {
  for (let i = 0; i < 600; ++i) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// P(|x| < r) for the Gaussian of a 1σ ellipse, by a polar integral over the angle (trapezoids;
// a different route from the server's integral along the major axis).
function probabilityWithin(a, b, r) {
  const n = 20000;
  let sum = 0;
  for (let i = 0; i < n; ++i) {
    const t = (2 * Math.PI * (i + 0.5)) / n;
    const q = (Math.cos(t) / a) ** 2 + (Math.sin(t) / b) ** 2;
    sum += (1 - Math.exp(-(r * r) * q / 2)) / q;
  }
  return sum * (2 * Math.PI / n) / (2 * Math.PI * a * b);
}

const now = () => new Date().toISOString();
const given = (lat, lon, ref) => ({
  time: now(), observer_id: `P-${ref}`, observer_kind: 'patrol', mode: 'saw', event: 'explosion',
  explosion_type: 'impact', lat, lon, source_ref: ref,
});

test('the CoT feed and GET /v1/cot through node-cot', { timeout: 240_000 }, async () => {
  const server = await startServer({
    binary, plan: path.join(source, 'plans/kellogg-2025-04.toml'), web: path.join(source, 'web/dist'),
    args: ['--cot-listen', '127.0.0.1:0'],
  });
  const clients = [];
  try {
    assert.ok(server.cotPort, `serve printed no CoT port:\n${server.log()}`);
    const uk = createToken(binary, server.db, 'contingent', 'e2e uk', 'uk');
    const plain = connect(server.cotPort);
    const analyst = connect(server.cotPort, server.tokens.analyst);
    const contingent = connect(server.cotPort, uk);
    clients.push(plain, analyst, contingent);

    // Kyiv (the UK-led sector) and Odesa (the French-led one), positions given by patrols; then a
    // report seen from Zhytomyr with a bearing and range band, whose position is estimated.
    const kyiv = await api(server, 'POST', '/v1/observations', server.tokens.admin, given(50.45, 30.52, 'a1'));
    const odesa = await api(server, 'POST', '/v1/observations', server.tokens.admin, given(46.48, 30.72, 'b1'));
    await api(server, 'POST', '/v1/observations', server.tokens.admin, {
      time: now(), observer_id: 'P-c', observer_kind: 'patrol', mode: 'saw', event: 'explosion', explosion_type: 'impact',
      observer_lat: 50.25, observer_lon: 28.66, bearing_deg: 90, range_min_km: 1, range_max_km: 3, source_ref: 'c1',
    });
    for (const [o, who] of [[kyiv, 'uk'], [odesa, 'fr']]) {
      const rec = await api(server, 'GET', `/v1/observations/${o.id}`, server.tokens.analyst);
      assert.equal(rec.placement.responsible, who, `the test's ${who} point lies in ${rec.placement.zone_id}`);
    }
    const listed = async () => (await api(server, 'GET', '/v1/incidents', server.tokens.analyst)).incidents;
    await until(async () => (await listed()).length === 3 && analyst.text.match(/\.incident\./g)?.length >= 3, 'three incidents');
    const kyivInc = (await listed()).find((i) => i.responsible === 'uk' && i.position_method === 'given');
    assert.ok(kyivInc, 'the Kyiv incident');

    // A second report of the Kyiv explosion: a revision, the same uid.
    await api(server, 'POST', '/v1/observations', server.tokens.admin, given(50.4505, 30.5205, 'a2'));
    await until(async () => (await listed()).find((i) => i.id === kyivInc.id).revision >= 2, 'the revision');
    await until(() => analyst.text.includes('2 observations'), 'the revision on the analyst stream');
    await until(() => contingent.text.includes('2 observations'), 'the revision on the contingent stream');

    // A late analyst gets the recent incidents at once.
    const late = connect(server.cotPort, server.tokens.analyst);
    clients.push(late);
    await until(() => events(late.text).filter(isIncident).length >= 3, 'the late client\'s incidents');

    const incidents = await listed();
    const byUid = new Map(incidents.map((i) => [`truceline.kellogg-2025-04.incident.${i.id}`, i]));

    // Without a token: drawings only, zones closed (polygons), lines open.
    const shapes = events(plain.text);
    assert.ok(shapes.length >= 5, `${shapes.length} shapes`);
    for (const s of shapes) assert.equal(attrs(s).type, 'u-d-f');
    assert.equal(shapes.filter(isIncident).length, 0, 'a connection without a token got incidents');
    const geometries = await Promise.all(shapes.map(async (s) => (await s.to_geojson()).geometry.type));
    assert.ok(geometries.includes('Polygon') && geometries.includes('LineString'), geometries.join(','));

    // The analyst: every incident, positions as listed, ce holding 39.35 %, how by the position.
    const seen = events(analyst.text).filter(isIncident);
    const uids = new Set(seen.map((e) => attrs(e).uid));
    assert.deepEqual([...uids].sort(), [...byUid.keys()].sort());
    const kyivUid = `truceline.kellogg-2025-04.incident.${kyivInc.id}`;
    assert.ok(seen.filter((e) => attrs(e).uid === kyivUid).length >= 2, 'the revision came with the same uid');
    for (const uid of uids) {
      const last = seen.filter((e) => attrs(e).uid === uid).at(-1);
      const inc = byUid.get(uid);
      assert.equal(attrs(last).type, 'a-u-G');
      assert.equal(attrs(last).how, inc.position_method === 'given' ? 'h-t' : 'h-e', uid);
      assert.ok(Math.abs(Number(point(last).lat) - inc.lat) < 1e-6 && Math.abs(Number(point(last).lon) - inc.lon) < 1e-6, uid);
      const ce = Number(point(last).ce);
      const p = probabilityWithin(inc.err_major_m, inc.err_minor_m, ce);
      assert.ok(Math.abs(p - (1 - Math.exp(-0.5))) < 0.002, `${uid}: ce ${ce} holds ${p}`);
      assert.ok(Date.parse(attrs(last).stale) > Date.parse(attrs(last).time));
      const link = [last.raw.event.detail.link].flat().find((l) => l?._attributes?.url);
      assert.equal(link._attributes.url, `${server.url}/#incident=${inc.id}`);
    }
    assert.ok(seen.some((e) => attrs(e).how === 'h-e'), 'the bearing report gave an estimated position');

    // The contingent: its own incidents only.
    const mine = events(contingent.text).filter(isIncident);
    assert.ok(mine.length >= 2);
    for (const e of mine) assert.equal(byUid.get(attrs(e).uid).responsible, 'uk', attrs(e).uid);

    // GET /v1/cot: the same events in one document, each parsed alike.
    const res = await fetch(new URL(`/v1/cot?since=${encodeURIComponent(new Date(Date.now() - 3600e3).toISOString())}`, server.url),
      { headers: { Authorization: `Bearer ${server.tokens.analyst}` } });
    assert.equal(res.status, 200);
    const doc = await res.text();
    assert.match(doc, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<events>\n/);
    const fromDoc = events(doc);
    assert.equal(fromDoc.filter((e) => !isIncident(e)).length, shapes.length);
    const docIncidents = fromDoc.filter(isIncident);
    assert.deepEqual(docIncidents.map((e) => attrs(e).uid).sort(), [...byUid.keys()].sort());
    for (const e of docIncidents) assert.equal(point(e).ce, point(seen.filter((s) => attrs(s).uid === attrs(e).uid).at(-1)).ce);
    const ukDoc = await fetch(new URL('/v1/cot', server.url), { headers: { Authorization: `Bearer ${uk}` } });
    for (const e of events(await ukDoc.text()).filter(isIncident)) assert.equal(byUid.get(attrs(e).uid).responsible, 'uk');

    // Incoming: a spot report node-cot makes, sent by an observer's connection, is recorded.
    const observer = connect(server.cotPort, createToken(binary, server.db, 'observer', 'e2e tak user'));
    clients.push(observer);
    const t = new Date().toISOString();
    const report = CoT.from_geojson({
      type: 'Feature', id: 'spot-e2e-1',
      properties: { type: 'b-m-p-s-m', how: 'h-g-i-g-o', callsign: 'ALPHA 2', remarks: 'Explosion west of the station',
        time: t, start: t, stale: new Date(Date.now() + 3600e3).toISOString() },
      geometry: { type: 'Point', coordinates: [24.03, 49.84] },
    });
    observer.sock.write(report.to_xml());
    const recorded = await until(async () => (await api(server, 'GET', '/v1/observations?limit=1000', server.tokens.admin))
      .observations.find((o) => o.observation.source_ref === 'cot:spot-e2e-1'), 'the spot report in the record');
    assert.equal(recorded.submitter, 'e2e tak user');
    assert.equal(recorded.observation.event, 'explosion');
    assert.equal(recorded.observation.observer_id, 'ALPHA 2');
    assert.deepEqual([recorded.observation.lat, recorded.observation.lon], [49.84, 24.03]);
    assert.equal(recorded.placement.method, 'given');
  } finally {
    for (const c of clients) c.sock.destroy();
    await server.stop();
  }
});
