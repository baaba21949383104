// The report form, one short step at a time for a phone held in a glove: what happened (big
// buttons), the few details that kind of event needs, where (the device's fix, a tap on the map
// or an MGRS reference), which way and how far (a compass rose or a bearing, a range band), and
// when, with notes. Each step is checked before the next; nothing is queued that fails a check.
import { el } from './dom.js';
import {
  COMPASS, DAMAGE_TYPES, EXPLOSION_TYPES, KINDS, MODES, OBSERVER_KINDS, RESTRICTION_TYPES, SITE_STATUSES,
  WEAPON_CLASSES, compassBearing, isoWithOffset, nearestPoint, num, validate,
} from './report-model.js';

const LABELS = {
  mortar_lt_100: 'mortar < 100 mm', artillery_ge_100: 'artillery ≥ 100 mm', mlrs: 'MLRS', mlrs_heavy: 'MLRS 300 mm',
  air_defence: 'air defence', mines_or_uxo: 'mines or UXO', uav_jammed: 'UAV jammed', uav_fired_upon: 'UAV fired upon',
  uav: 'UAV', osint: 'OSINT',
};
const label = (v) => LABELS[v] ?? v.replaceAll('_', ' ');

// The steps in order; `aim` only for events seen or heard at a distance.
const STEPS = ['kind', 'what', 'where', 'aim', 'send'];
const TITLES = { kind: 'What happened?', what: 'Details', where: 'Where?', aim: 'Which way, how far?', send: 'When, and send' };

// The step whose fields an error belongs to.
function stepOf(key, event) {
  if (key === 'event') return 'kind';
  if (key === 'position') return 'where';
  if (key === 'bearing' || key === 'range') return 'aim';
  if (key === 'time' || key === 'notes' || key === 'observer_id') return 'send';
  if (key === 'casualties') return event === 'casualty' ? 'what' : 'send';
  if (key === 'damage') return event === 'damage' ? 'what' : 'send';
  return 'what';
}

// A labelled field with the place its error is shown, right under it.
function field(name, text, ...controls) {
  return el('div', { class: 'field', 'data-field': name },
    text ? el('span', { class: 'label' }, text) : null, ...controls,
    el('p', { class: 'error', 'data-error-for': name, role: 'alert' }));
}

// A row of big buttons, one (or, with `multi`, several) pressed. `toggle`: pressing the pressed
// one again clears it (for optional fields).
function choices(name, values, current, pick, { multi = false, toggle = false } = {}) {
  const box = el('div', { class: 'choices', 'data-choice': name });
  const isOn = (v) => (multi ? (current() ?? []).includes(v) : current() === v);
  const paint = () => { for (const b of box.children) b.setAttribute('aria-pressed', String(isOn(b.dataset.value))); };
  for (const v of values) {
    box.append(el('button', { type: 'button', 'data-value': v, onclick: () => {
      if (multi) {
        const now = current() ?? [];
        pick(now.includes(v) ? now.filter((x) => x !== v) : [...now, v]);
      } else pick(toggle && current() === v ? null : v);
      paint();
    } }, label(v)));
  }
  paint();
  return box;
}

function numberInput(name, value, set, attrs = {}) {
  return el('input', { name, type: 'text', inputmode: 'decimal', autocomplete: 'off', value: value ?? '', ...attrs,
    oninput: (e) => set(num(e.target.value)) });
}

function textInput(name, value, set, attrs = {}) {
  return el('input', { name, type: 'text', autocomplete: 'off', value: value ?? '', ...attrs, oninput: (e) => set(e.target.value) });
}

export class ReportForm {
  // parties(): the plan's party ids for `imposed_by` ([] when unknown); makeMap(el): the map
  // (a PickMap), made the first time the position step is on screen, for Leaflet measures its
  // box when made; queue(draft): files a checked draft; settings: localStorage for the call sign.
  constructor(root, { parties, makeMap, queue, settings }) {
    this.root = root;
    this.parties = parties;
    this.makeMap = makeMap;
    this.mapBox = el('div', { class: 'pick-map', id: 'map', 'aria-label': 'map: tap to place the position' });
    this.map = null;
    this.zones = null;
    this.queue = queue;
    this.settings = settings;
    this.body = el('div', { class: 'step-body' });
    this.title = el('h2', { id: 'step-title' });
    this.back = el('button', { type: 'button', id: 'back', class: 'secondary', onclick: () => this.go(-1) }, 'Back');
    this.next = el('button', { type: 'button', id: 'next', onclick: () => this.forward() }, 'Next');
    root.replaceChildren(this.title, this.body, el('nav', { class: 'steps' }, this.back, this.next));
    this.reset();
  }

  // The plan's zones, drawn on the map once it is made.
  setZones(geojson) {
    this.zones = geojson;
    this.map?.showZones(geojson);
  }

  reset() {
    this.draft = {
      event: null, mode: null, count: 1, time: null, observer_id: this.settings.getItem('truceline.observer.id') ?? '',
      observer_kind: this.settings.getItem('truceline.observer.kind') ?? 'patrol', position: {}, direction: null,
      bearing: null, rangeMin: null, rangeMax: null, weapons: {}, casualties: null, damage: [], notes: '',
    };
    this.show('kind');
  }

  steps() {
    return STEPS.filter((s) => s !== 'aim' || KINDS[this.draft.event]?.aim);
  }

  show(step) {
    this.step = step;
    this.root.dataset.step = step;
    this.title.textContent = TITLES[step];
    this.shown = null;
    this.body.replaceChildren(...this[`${step}Step`]());
    this.shown?.();
    const last = step === 'send';
    this.back.hidden = step === 'kind';
    this.next.hidden = step === 'kind';
    this.next.id = last ? 'queue-report' : 'next';
    this.next.textContent = last ? 'Queue report' : 'Next';
    this.root.scrollIntoView?.({ block: 'start' });
  }

  go(delta) {
    const s = this.steps();
    const i = Math.min(s.length - 1, Math.max(0, s.indexOf(this.step) + delta));
    this.show(s[i]);
  }

  // Shows the errors that belong to the fields on screen; returns those of this step.
  check(onlyThisStep) {
    const all = validate(this.draft);
    const mine = Object.fromEntries(Object.entries(all).filter(([k]) => !onlyThisStep || stepOf(k, this.draft.event) === this.step));
    for (const p of this.root.querySelectorAll('[data-error-for]')) {
      const msg = mine[p.dataset.errorFor] ?? '';
      p.textContent = msg;
      p.closest('.field')?.classList.toggle('invalid', !!msg);
    }
    return { all, mine };
  }

  forward() {
    if (this.step !== 'send') {
      if (!Object.keys(this.check(true).mine).length) this.go(1);
      return;
    }
    const { all } = this.check(false);
    const keys = Object.keys(all);
    if (keys.length) {
      // Back to the first step with a problem, its errors beside their fields.
      const first = this.steps().find((s) => keys.some((k) => stepOf(k, this.draft.event) === s));
      this.show(first);
      this.check(true);
      return;
    }
    this.settings.setItem('truceline.observer.id', this.draft.observer_id.trim());
    this.settings.setItem('truceline.observer.kind', this.draft.observer_kind);
    const draft = this.draft;
    this.reset();
    this.queue(draft);
  }

  // --- the steps ---------------------------------------------------------------------------

  kindStep() {
    const pick = (kind) => {
      Object.assign(this.draft, { event: kind, mode: KINDS[kind].mode, time: isoWithOffset(new Date()) });
      this.go(1);
    };
    return [el('div', { class: 'kinds' }, Object.entries(KINDS).map(([k, v]) =>
      el('button', { type: 'button', 'data-kind': k, onclick: () => pick(k) }, v.label))),
    field('event', '')];
  }

  whatStep() {
    const d = this.draft;
    const set = (k) => (v) => { d[k] = v; };
    const out = [
      field('mode', 'How', choices('mode', MODES, () => d.mode, set('mode'))),
      field('count', 'How many', this.counter()),
    ];
    if (d.event === 'explosion') out.push(field('explosion_type', 'Type', choices('explosion_type', EXPLOSION_TYPES, () => d.explosion_type, set('explosion_type'), { toggle: true })));
    if (d.event === 'heavy_weapon') out.push(field('weapon_class', 'Weapon', choices('weapon_class', WEAPON_CLASSES, () => d.weapon_class, set('weapon_class'), { toggle: true })));
    if (d.event === 'restriction') out.push(...this.restrictionFields());
    if (d.event === 'weapons_site') out.push(...this.siteFields());
    if (d.event === 'casualty') out.push(this.casualtyField());
    if (d.event === 'damage') out.push(this.damageField());
    return out;
  }

  counter() {
    const input = numberInput('count', this.draft.count, (v) => { this.draft.count = v; }, { inputmode: 'numeric' });
    const step = (by) => () => {
      const n = Math.max(1, (Number.isInteger(this.draft.count) ? this.draft.count : 1) + by);
      this.draft.count = n;
      input.value = String(n);
    };
    return el('div', { class: 'counter' },
      el('button', { type: 'button', class: 'secondary', 'aria-label': 'one fewer', onclick: step(-1) }, '−'), input,
      el('button', { type: 'button', class: 'secondary', 'aria-label': 'one more', onclick: step(1) }, '+'));
  }

  restrictionFields() {
    const d = this.draft;
    const parties = this.parties();
    const other = textInput('imposed_by', parties.includes(d.imposed_by) ? '' : d.imposed_by, (v) => { d.imposed_by = v; paintParty(); },
      { placeholder: parties.length ? 'or another party id' : 'party id of the plan' });
    const partyButtons = parties.length
      ? choices('imposed_by', parties, () => d.imposed_by, (v) => { d.imposed_by = v; other.value = ''; }, { toggle: true })
      : null;
    function paintParty() {
      for (const b of partyButtons?.children ?? []) b.setAttribute('aria-pressed', String(b.dataset.value === d.imposed_by));
    }
    return [
      field('restriction_type', 'Restriction', choices('restriction_type', RESTRICTION_TYPES, () => d.restriction_type, (v) => { d.restriction_type = v; })),
      field('imposed_by', 'Imposed by', partyButtons, other),
      field('duration_min', 'Held for (minutes)', numberInput('duration_min', d.duration_min, (v) => { d.duration_min = v; }, { inputmode: 'numeric' })),
    ];
  }

  siteFields() {
    const d = this.draft;
    const rows = WEAPON_CLASSES.map((c) => el('label', { class: 'count-row' }, el('span', {}, label(c)),
      numberInput(`weapons.${c}`, d.weapons[c], (v) => { if (v == null) delete d.weapons[c]; else d.weapons[c] = v; }, { inputmode: 'numeric' }),
      el('p', { class: 'error', 'data-error-for': `weapons.${c}` })));
    return [
      field('site_id', 'Site', textInput('site_id', d.site_id, (v) => { d.site_id = v; }, { placeholder: 'holding area id' })),
      field('site_status', 'Found', choices('site_status', SITE_STATUSES, () => d.site_status, (v) => { d.site_status = v; })),
      field('weapons', 'Weapons counted', el('div', { class: 'counts' }, rows)),
    ];
  }

  casualtyField() {
    const d = this.draft;
    const c = () => (d.casualties ??= { killed: null, injured: null, civilian: true, corroborated: false });
    const yesNo = (key) => choices(`casualties.${key}`, ['yes', 'no'], () => (d.casualties?.[key] ?? (key === 'civilian')) ? 'yes' : 'no',
      (v) => { c()[key] = v === 'yes'; });
    return field('casualties', 'Casualties',
      el('div', { class: 'pair' },
        el('label', {}, 'killed', numberInput('killed', d.casualties?.killed, (v) => { c().killed = v; }, { inputmode: 'numeric' })),
        el('label', {}, 'injured', numberInput('injured', d.casualties?.injured, (v) => { c().injured = v; }, { inputmode: 'numeric' }))),
      el('span', { class: 'label' }, 'civilians?'), yesNo('civilian'),
      el('span', { class: 'label' }, 'corroborated?'), yesNo('corroborated'));
  }

  damageField() {
    return field('damage', 'Damage to', choices('damage', DAMAGE_TYPES, () => this.draft.damage, (v) => { this.draft.damage = v; }, { multi: true }));
  }

  whereStep() {
    const d = this.draft;
    const fix = el('p', { class: 'fix', id: 'position-shown' });
    const paint = () => {
      const p = d.position;
      fix.textContent = p.source === 'mgrs' ? `MGRS ${p.mgrs}`
        : p.lat != null ? `${p.source === 'device' ? 'device' : 'map'}: ${p.lat.toFixed(5)}, ${p.lon.toFixed(5)}${p.accuracy ? ` ± ${Math.round(p.accuracy)} m` : ''}`
          : 'no position yet';
      this.map?.show(p.source === 'mgrs' ? null : p.lat, p.lon, p.accuracy);
      target.hidden = p.source === 'mgrs' || p.lat == null;
    };
    const mgrs = textInput('mgrs', d.position.source === 'mgrs' ? d.position.mgrs : '', (v) => {
      d.position = v.trim() ? { source: 'mgrs', mgrs: v.trim() } : {};
      paint();
    }, { placeholder: '37U DQ 12345 67890', autocapitalize: 'characters' });
    const set = (p) => { d.position = { target: d.position.target, ...p }; mgrs.value = ''; paint(); };
    const device = el('button', { type: 'button', id: 'use-device', onclick: () => this.locate(fix, set) }, 'Use the device\'s position');
    const target = choices('target', ['me', 'event'], () => (d.position.target === 'event' ? 'event' : 'me'),
      (v) => { d.position.target = v === 'event' ? 'event' : 'observer'; });
    target.querySelector('[data-value=me]').textContent = 'where I am';
    target.querySelector('[data-value=event]').textContent = 'the event itself';
    this.shown = () => {
      if (!this.map) {
        this.map = this.makeMap(this.mapBox);
        if (this.zones) this.map.showZones(this.zones);
      }
      this.map.resize();
      this.map.onPick = (lat, lon) => set({ source: 'map', lat, lon });
      paint();
    };
    return [field('position', '', device, fix, this.mapBox, el('span', { class: 'hint' }, 'or tap the map, or type an MGRS reference:'), mgrs),
      el('div', { class: 'field' }, el('span', { class: 'label' }, 'The point marks'), target)];
  }

  locate(fix, set) {
    if (!navigator.geolocation) return void (fix.textContent = 'this device gives no position');
    fix.textContent = 'finding the device\'s position…';
    navigator.geolocation.getCurrentPosition(
      (p) => set({ source: 'device', lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy }),
      (e) => { fix.textContent = `no position from the device: ${e.message || 'refused'}`; },
      { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 });
  }

  aimStep() {
    const d = this.draft;
    const shown = el('p', { class: 'fix', id: 'bearing-shown' });
    const bearing = numberInput('bearing', d.direction ? null : d.bearing, (v) => { d.bearing = v; d.direction = null; paint(); },
      { placeholder: '°', 'aria-label': 'bearing in degrees' });
    const rose = el('div', { class: 'rose' });
    const paint = () => {
      for (const b of rose.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.point === d.direction));
      shown.textContent = d.direction ? `${d.direction} = ${compassBearing(d.direction)}°`
        : d.bearing != null && !Number.isNaN(d.bearing) ? `${d.bearing}° (about ${nearestPoint(d.bearing)})` : 'no direction (optional)';
    };
    COMPASS.forEach((p, i) => {
      // On a circle of radius 42 % of the rose, clockwise from the top.
      const a = (i * 22.5 * Math.PI) / 180;
      rose.append(el('button', { type: 'button', 'data-point': p, style: `left:${50 + 42 * Math.sin(a)}%;top:${50 - 42 * Math.cos(a)}%`,
        onclick: () => { d.direction = d.direction === p ? null : p; d.bearing = d.direction ? compassBearing(p) : null; bearing.value = ''; paint(); } }, p));
    });
    rose.append(el('div', { class: 'hub' }, bearing));
    paint();
    return [
      field('bearing', 'Direction from you', rose, shown),
      field('range', 'Range band (km)', el('div', { class: 'pair' },
        el('label', {}, 'min', numberInput('range_min', d.rangeMin, (v) => { d.rangeMin = v; })),
        el('label', {}, 'max', numberInput('range_max', d.rangeMax, (v) => { d.rangeMax = v; })))),
    ];
  }

  sendStep() {
    const d = this.draft;
    const local = (iso) => { const t = new Date(iso); return Number.isNaN(t.getTime()) ? '' : isoWithOffset(t).slice(0, 16); };
    const extra = [];
    if (d.event !== 'casualty' && d.event !== 'damage') {
      extra.push(el('details', { class: 'more', open: d.casualties || d.damage.length ? true : null },
        el('summary', {}, 'Casualties or damage'), this.casualtyField(), this.damageField()));
    }
    return [
      field('time', 'When', el('input', { name: 'time', type: 'datetime-local', step: 60, value: local(d.time),
        oninput: (e) => { d.time = e.target.value ? isoWithOffset(new Date(e.target.value)) : null; } })),
      ...extra,
      field('notes', 'Notes', el('textarea', { name: 'notes', rows: 3, oninput: (e) => { d.notes = e.target.value; } }, d.notes)),
      field('observer_id', 'Your call sign', textInput('observer_id', d.observer_id, (v) => { d.observer_id = v; }, { autocapitalize: 'characters' }),
        el('select', { name: 'observer_kind', onchange: (e) => { d.observer_kind = e.target.value; } },
          OBSERVER_KINDS.map((k) => el('option', { value: k, selected: k === d.observer_kind ? true : null }, label(k))))),
    ];
  }
}
