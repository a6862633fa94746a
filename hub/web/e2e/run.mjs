// End-to-end check of the struna hub UI in Debian's headless Chromium,
// driven by playwright-core. Runs against any hub, real or fake:
//
//   STRUNA_URL=http://127.0.0.1:8080/ STRUNA_TOKEN=... node run.mjs
//
// Environment:
//   STRUNA_URL       base URL of the hub (the UI is served at its root)    required
//   STRUNA_TOKEN     an API token of a field, coordinator or admin role    required
//   STRUNA_SHOTS     folder for screenshots (default ./shots)
//   STRUNA_CHROMIUM  browser binary (default /usr/bin/chromium)
//   STRUNA_TEAM      team to claim with (default: the first of the caller's organisation)
//   STRUNA_PUSH_URL  (fake hub only) POST here makes building B-2 red through the event stream
//   STRUNA_DROP_URL  (fake hub only) POST here cuts the event streams and changes a building silently
//   STRUNA_TILES_URL (fake hub only) POST here makes /api/v1/config announce a (local) tile URL
//   STRUNA_E2E_RELIEF=1 (fake hub only) check the relief view against the fake's relief data
//                    (request REQ-1 with a duplicate offer, call CALL-1, message MSG-1)
//   STRUNA_CALL_URL  (fake hub only) POST here makes the other organisation answer CALL-1 "delayed 10 min"
//   STRUNA_TRAPPED_URL (fake hub only) POST here adds a trapped-person report (answered with it) and
//                    tells the event stream
//
// What it checks, step by step (each prints "ok - ..." or fails with exit 1):
//   sign-in through the token dialog; live stream connected; every building the
//   API lists is in the list with its placard and drawn on the map canvas in its
//   placard colour; server text is shown as text (never markup); clicking a
//   building on the map opens its panel and its report opens in a sandboxed
//   iframe; a building with trapped-person reports has a badge with their total on
//   the map and the total in the list, one without has neither; its panel shows the
//   total, each report and its locations, one without shows no count (with
//   STRUNA_TRAPPED_URL: a new report reaches the open panel, the list and the map's
//   badge through the event stream); claiming a free worksite updates the board; a conflicting claim shows
//   the hub's 409 sentence; a release done outside the page (through the API)
//   reaches the board through the event stream alone; the relief tab shows its
//   three parts (with STRUNA_E2E_RELIEF=1: the request, its duplicate offer and
//   reason, the call's seats and brief, the .ics, a "ready" answer, another
//   organisation's answer arriving through the event stream, the messages);
//   no request leaves the hub.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BASE = (process.env.STRUNA_URL || '').replace(/\/?$/, '/');
const TOKEN = process.env.STRUNA_TOKEN || '';
const SHOTS = path.resolve(process.env.STRUNA_SHOTS || 'shots');
const CHROMIUM = process.env.STRUNA_CHROMIUM || '/usr/bin/chromium';
const PUSH = process.env.STRUNA_PUSH_URL || '';
const DROP = process.env.STRUNA_DROP_URL || '';
const TILES = process.env.STRUNA_TILES_URL || '';
const RELIEF = process.env.STRUNA_E2E_RELIEF === '1';
const CALL_HOOK = process.env.STRUNA_CALL_URL || '';
const TRAPPED_HOOK = process.env.STRUNA_TRAPPED_URL || '';
if (BASE === '/' || !TOKEN) {
  console.error('set STRUNA_URL and STRUNA_TOKEN');
  process.exit(2);
}
fs.mkdirSync(SHOTS, { recursive: true });

const PLACARD_RGB = { green: [0x1e, 0x7d, 0x32], yellow: [0xf5, 0xc5, 0x18], red: [0xc6, 0x28, 0x28], unknown: [0x6b, 0x6f, 0x76] };
const baseHost = new URL(BASE).host;
let failures = 0;
let passed = 0;

function ok(msg) {
  passed++;
  console.log('ok - ' + msg);
}
function fail(msg) {
  failures++;
  console.log('FAIL - ' + msg);
}
function check(cond, msg, detail = '') {
  if (cond) ok(msg);
  else fail(msg + (detail ? ': ' + detail : ''));
}

async function apiCall(method, p, body) {
  const res = await fetch(new URL(p, BASE), {
    method,
    headers: { Authorization: 'Bearer ' + TOKEN, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try {
    data = JSON.parse(text);
  } catch {
    data = text;
  }
  return { status: res.status, data };
}

const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'struna-e2e-'));
const ctx = await chromium.launchPersistentContext(userDir, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
  locale: 'en-GB',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
ctx.setDefaultTimeout(15000);
const page = ctx.pages()[0] ?? (await ctx.newPage());
const pageErrors = [];
const cspErrors = [];
const foreign = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => {
  if (/Content.Security.Policy/i.test(m.text())) cspErrors.push(m.text());
});
page.on('request', (r) => {
  const u = new URL(r.url());
  if (!['data:', 'blob:', 'about:'].includes(u.protocol) && u.host !== baseHost) foreign.push(r.url());
});
page.on('dialog', (d) => void d.accept()); // confirm() of "Break lease"

async function shot(name) {
  const file = path.join(SHOTS, name + '.png');
  await page.screenshot({ path: file });
  console.log('# screenshot ' + file);
}

async function step(name, f) {
  try {
    await f();
  } catch (e) {
    fail(name + ': ' + (e && e.message ? e.message.split('\n')[0] : e));
    await shot('failed-' + name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()).catch(() => {});
  }
}

// Pixel of the buildings canvas at a container point, in CSS pixels.
async function canvasRGB(x, y) {
  return page.evaluate(({ x, y }) => {
    const c = document.querySelector('.leaflet-buildings-pane canvas');
    const m = document.querySelector('#map');
    if (!c || !m) return null;
    const cr = c.getBoundingClientRect();
    const mr = m.getBoundingClientRect();
    const sx = c.width / cr.width;
    const px = Math.round((mr.left + x - cr.left) * sx);
    const py = Math.round((mr.top + y - cr.top) * sx);
    const d = c.getContext('2d').getImageData(px, py, 1, 1).data;
    return [d[0], d[1], d[2]];
  }, { x, y });
}

const near = (a, b, tol = 40) => a && b && a.every((v, i) => Math.abs(v - b[i]) <= tol);

const BADGE_RGB = [0xb3, 0x26, 0x1e];

// trappedTotals reads GET /api/v1/trapped as persons per building id, or null if the hub refuses.
async function trappedTotals() {
  const res = await apiCall('GET', 'api/v1/trapped');
  if (res.status !== 200 || !Array.isArray(res.data)) {
    console.log(`# skip: GET api/v1/trapped answered ${res.status}`);
    return null;
  }
  const totals = {};
  for (const t of res.data) {
    if (t && typeof t.count === 'number') totals[t.building_id] = (totals[t.building_id] || 0) + t.count;
  }
  return { totals, reports: res.data };
}

// badgeSeen samples the trapped badge window.struna.trappedBadge says is
// drawn for a building: red inside, a white rim round its right end.
async function badgeSeen(b) {
  let red = 0;
  let white = 0;
  for (let k = 0; k < 8; k++) {
    const a = (k * Math.PI) / 4 + Math.PI / 8;
    const rgb = await canvasRGB(Math.round(b.x + 0.55 * b.r * Math.cos(a)), Math.round(b.y + 0.55 * b.r * Math.sin(a)));
    if (near(rgb, BADGE_RGB, 30)) red++;
  }
  for (let k = 0; k < 5; k++) {
    const a = -Math.PI / 2 + (k * Math.PI) / 4; // the right half: a wider pill extends to the left
    for (const d of [0.8, 1.3, 1.8]) {
      const rgb = await canvasRGB(Math.round(b.x + (b.r + d) * Math.cos(a)), Math.round(b.y + (b.r + d) * Math.sin(a)));
      if (rgb && rgb.every((v) => v >= 200)) {
        white++;
        break;
      }
    }
  }
  return { ok: red >= 5 && white >= 3, red, white };
}

// markerColour samples the disc drawn at pt around its centre (clear of
// where the symbol is not, whatever the zoom-dependent radius) and returns
// the placard whose colour it finds, or what it found instead.
async function markerColour(pt) {
  const seen = new Set();
  const found = [];
  for (const d of [2, 3, 5]) {
    for (let k = 0; k < 8; k++) {
      const a = (k * Math.PI) / 4 + Math.PI / 8;
      const rgb = await canvasRGB(Math.round(pt.x + d * Math.cos(a)), Math.round(pt.y + d * Math.sin(a)));
      found.push(rgb);
      for (const [name, c] of Object.entries(PLACARD_RGB)) if (near(rgb, c, 30)) seen.add(name);
    }
  }
  return seen.size === 1 ? [...seen][0] : `${[...seen].join('+') || 'no placard colour'} (samples ${found.slice(0, 3).map((c) => 'rgb(' + c + ')').join(' ')})`;
}

// ---- the API's view, to compare the page with ------------------------------
const apiBuildings = await apiCall('GET', 'api/v1/buildings');
const apiMe = await apiCall('GET', 'api/v1/me');
if (apiBuildings.status !== 200 || apiMe.status !== 200) {
  console.error(`the hub refused the token: /buildings ${apiBuildings.status}, /me ${apiMe.status}`);
  process.exit(1);
}
const buildings = Array.isArray(apiBuildings.data) ? apiBuildings.data : [];
const me = apiMe.data;

await step('sign in', async () => {
  await page.goto(BASE);
  await page.locator('#token-dialog[open]').waitFor();
  ok('a fresh browser is asked for a token');
  await page.fill('#token-input', 'not-a-valid-token-' + Date.now());
  await page.click('#token-save');
  await page.locator('#token-dialog[open] .dialog-msg', { hasText: 'did not accept' }).waitFor();
  ok('a wrong token (401) brings the dialog back with a clear message');
  await page.fill('#token-input', TOKEN);
  await page.click('#token-save');
  await page.locator('#who', { hasText: me.org }).waitFor();
  ok(`signed in as ${me.org} · ${me.role}`);
  await page.locator('#live.live-live').waitFor();
  ok('live event stream connected');
});

await step('building list', async () => {
  if (buildings.length === 0) {
    console.log('# skip: the hub has no buildings');
    return;
  }
  await page.locator('#bld-list button.bld-item').first().waitFor();
  const shown = await page.$$eval('#bld-list button.bld-item', (els) =>
    els.map((e) => ({ id: e.dataset.building, placard: e.querySelector('.badge')?.dataset.placard, text: e.textContent, html: e.innerHTML })),
  );
  for (const b of buildings.slice(0, 250)) {
    const s = shown.find((x) => x.id === b.id);
    const want = ['green', 'yellow', 'red'].includes(b.placard) ? b.placard : 'unknown';
    check(s && s.placard === want, `building ${b.id} listed as ${want}`, s ? `shown as ${s.placard}` : 'not listed');
    if (s && b.name && /[<>&]/.test(b.name)) {
      check(s.text.includes(b.name) && !s.html.includes(b.name), `name of ${b.id} shown as text, not markup`);
    }
  }
});

await step('map', async () => {
  const located = buildings.filter((b) => typeof b.lat === 'number' && typeof b.lon === 'number').slice(0, 20);
  if (located.length === 0) return;
  await page.waitForFunction(() => window.struna && document.querySelector('.leaflet-buildings-pane canvas'));
  await page.waitForTimeout(600); // fit-to-data animation
  for (const b of located) {
    const pt = await page.evaluate((id) => window.struna.buildingPoint(id), b.id);
    if (!pt) {
      fail(`building ${b.id} has no point on the map`);
      continue;
    }
    const want = ['green', 'yellow', 'red'].includes(b.placard) ? b.placard : 'unknown';
    const got = await markerColour(pt);
    check(got === want, `building ${b.id} drawn on the map in its placard colour`, `found ${got}, want ${want}`);
  }
  const legend = await page.locator('.legend').innerText();
  check(/UNSAFE/.test(legend) && /INSPECTED/.test(legend) && /RESTRICTED/.test(legend), 'legend names the placards');
  check((await page.locator('.leaflet-control-scale').count()) === 1, 'map has a scale');
  await shot('map');
});

await step('trapped persons on the map and in the list', async () => {
  const tt = await trappedTotals();
  if (!tt) return;
  const { totals } = tt;
  await page.evaluate(() => (location.hash = '#/map'));
  const withT = buildings.find((b) => totals[b.id] > 0);
  const without = buildings.find((b) => !totals[b.id]);
  if (withT) {
    const want = totals[withT.id];
    const item = page.locator(`#bld-list button[data-building="${withT.id}"] .bld-item-trapped`);
    await item.waitFor();
    const text = await item.innerText();
    check((await item.getAttribute('data-trapped')) === String(want) && text.includes(`${want} trapped`), `building ${withT.id} listed with ${want} trapped`, text);
  } else {
    console.log('# skip: no building with trapped persons');
  }
  if (without) {
    const n = await page.locator(`#bld-list button[data-building="${without.id}"]`).count();
    const c = await page.locator(`#bld-list button[data-building="${without.id}"] .bld-item-trapped`).count();
    check(n === 1 && c === 0, `building ${without.id} listed without a trapped count`, `${n} rows, ${c} counts`);
  }
  const listed = await page.$$eval('#bld-list button.bld-item', (els) => els.map((e) => [e.dataset.building, e.querySelector('.bld-item-trapped')?.dataset.trapped ?? '']));
  const wrong = listed.filter(([id, n]) => n !== (totals[id] > 0 ? String(totals[id]) : ''));
  check(wrong.length === 0, 'every listed building shows the persons trapped in it, or nothing', wrong.slice(0, 5).map(([id, n]) => `${id}: ${n || 'none'} (want ${totals[id] || 'none'})`).join(', '));
  check(/trapped/i.test(await page.locator('.legend').innerText()), 'legend explains the trapped badge');
  if (withT && typeof withT.lat === 'number') {
    const want = totals[withT.id];
    await page.waitForFunction(({ id, want }) => window.struna.trappedBadge(id)?.count === want, { id: withT.id, want });
    await page.waitForTimeout(100); // the canvas draws on the next frame
    const b = await page.evaluate((id) => window.struna.trappedBadge(id), withT.id);
    const seen = await badgeSeen(b);
    check(seen.ok, `map shows a trapped badge with ${want} on ${withT.id}`, `${seen.red}/8 red, ${seen.white}/5 white rim samples at ${b.x},${b.y}`);
  }
  if (without && typeof without.lat === 'number') {
    const b = await page.evaluate((id) => window.struna.trappedBadge(id), without.id);
    check(b === null, `map shows no trapped badge on ${without.id}`, JSON.stringify(b));
  }
  await shot('map-trapped');
});

await step('building panel and report', async () => {
  const target = buildings.find((b) => b.placard === 'red' && typeof b.lat === 'number') ?? buildings.find((b) => typeof b.lat === 'number');
  if (!target) return;
  const pt = await page.evaluate((id) => window.struna.buildingPoint(id), target.id);
  const box = await page.locator('#map').boundingBox();
  const top = await page.evaluate(({ x, y }) => {
    const e = document.elementFromPoint(x, y);
    return e ? e.tagName + '.' + e.className : 'nothing';
  }, { x: box.x + pt.x, y: box.y + pt.y });
  check(top.startsWith('CANVAS'), `building ${target.id} is not covered by map controls`, `covered by ${top}`);
  await page.mouse.click(box.x + pt.x, box.y + pt.y);
  const panel = page.locator(`#building-panel article[data-building="${target.id}"]`);
  await panel.waitFor();
  ok(`clicking ${target.id} on the map opens its panel`);
  const badge = await panel.locator('.placard-card .badge').getAttribute('data-placard');
  check(badge === target.placard, `panel shows placard ${target.placard}`, `shows ${badge}`);
  if (Array.isArray(target.hazards) && target.hazards.length) {
    // The panel can appear before its sections fill in: wait for the list
    // (a list that never comes still fails the count below).
    await panel.locator('ul.hazards li').first().waitFor({ timeout: 5000 }).catch(() => {});
    const n = await panel.locator('ul.hazards li').count();
    check(n === target.hazards.length, `panel lists ${target.hazards.length} hazards`, `lists ${n}`);
  }
  await page.locator('.history tbody tr').first().waitFor();
  ok('panel shows the assessment history');
  await shot('building');
  if (!target.assessment_id) return;
  await panel.locator('[data-action="report"]').click();
  const frame = page.locator('iframe.report-frame');
  await frame.waitFor();
  check((await frame.getAttribute('sandbox')) === '', 'report iframe is sandboxed without scripts');
  const body = page.frameLocator('iframe.report-frame').locator('body');
  await body.waitFor();
  const text = await body.innerText();
  check(text.length > 200, 'report page is rendered in the iframe', `${text.length} characters`);
  await shot('report');
  await page.click('text=← Back to building');
  await panel.waitFor();
});

await step('trapped persons', async () => {
  const tt = await trappedTotals();
  if (!tt) return;
  const { totals } = tt;
  const res = { data: tt.reports };
  // openPanel shows building id and waits until its trapped section is in state (loading, none, error, some).
  const openPanel = async (id, state) => {
    await page.evaluate((id) => (location.hash = '#/b/' + encodeURIComponent(id)), id);
    const sec = page.locator(`#building-panel article[data-building="${id}"] [data-section="trapped"][data-state="${state}"]`);
    await sec.waitFor({ state: 'attached' });
    return sec;
  };
  const withT = buildings.find((b) => totals[b.id] > 0);
  if (withT) {
    const want = totals[withT.id];
    const sec = await openPanel(withT.id, 'some');
    const total = await sec.locator('[data-field="trapped-total"]').innerText();
    const text = await sec.innerText();
    check(total === String(want) && (await sec.isVisible()) && /trapped persons/i.test(text), `building ${withT.id} shows ${want} persons trapped`, `shows ${total}`);
    const reports = res.data.filter((t) => t && t.building_id === withT.id);
    const n = await sec.locator('.trapped-list > li').count();
    check(n === reports.length, `panel lists the ${reports.length} trapped-person reports of ${withT.id}`, `lists ${n}`);
    const locs = reports.flatMap((r) =>
      (Array.isArray(r.locations) ? r.locations : []).map((l) => {
        const at = `${l.lat.toFixed(5)}, ${l.lon.toFixed(5)}`;
        return l.note ? `${l.note} (${at})` : at;
      }),
    );
    const got = await sec.locator('[data-field="trapped-location"]').allInnerTexts();
    check(got.length === locs.length && locs.every((l) => got.includes(l)), 'trapped-person locations shown as "note (lat, lon)"', got.join(' | '));
    const html = await sec.innerHTML();
    const marked = locs.filter((l) => /[<>&]/.test(l));
    if (marked.length) check(marked.every((l) => !html.includes(l)), 'trapped-person notes shown as text, not markup');
    await sec.scrollIntoViewIfNeeded();
    await shot('trapped');
  } else {
    console.log('# skip: no building with trapped persons');
  }
  const without = buildings.find((b) => !totals[b.id]);
  if (without) {
    const sec = await openPanel(without.id, 'none');
    const counts = await page.locator('#building-panel [data-field="trapped-total"]').count();
    check(!(await sec.isVisible()) && counts === 0, `building ${without.id} shows no trapped count`, `${counts} counts shown`);
  }
  if (TRAPPED_HOOK && withT) {
    const sec = await openPanel(withT.id, 'some');
    await sec.locator('[data-field="trapped-total"]', { hasText: new RegExp(`^${totals[withT.id]}$`) }).waitFor();
    const r = await (await fetch(TRAPPED_HOOK, { method: 'POST', headers: { Authorization: 'Bearer ' + TOKEN }, body: '{}' })).json();
    if (r.building_id !== withT.id) {
      fail(`the trapped hook reported in ${r.building_id}, not ${withT.id}`);
      return;
    }
    const want = totals[withT.id] + r.count;
    await sec.locator('[data-field="trapped-total"]', { hasText: new RegExp(`^${want}$`) }).waitFor({ timeout: 10000 });
    ok(`building ${withT.id} shows ${want} persons trapped after a new report (event stream)`);
    await page.evaluate(() => (window.__strunaNoReload = true));
    await page.evaluate(() => (location.hash = '#/map'));
    const item = page.locator(`#bld-list button[data-building="${withT.id}"] .bld-item-trapped[data-trapped="${want}"]`);
    await item.waitFor({ timeout: 10000 });
    if (typeof withT.lat === 'number') {
      await page.waitForFunction(({ id, want }) => window.struna.trappedBadge(id)?.count === want, { id: withT.id, want }, { timeout: 10000 });
      await page.waitForTimeout(100);
      const seen = await badgeSeen(await page.evaluate((id) => window.struna.trappedBadge(id), withT.id));
      check(seen.ok, `map badge of ${withT.id} redrawn with ${want}`, `${seen.red}/8 red, ${seen.white}/5 white rim samples`);
    }
    check(await page.evaluate(() => window.__strunaNoReload === true), `building ${withT.id} shows ${want} trapped in the list and on the map after a new report, without reload (event stream)`);
  }
});

let claimed = null;
await step('claim a worksite', async () => {
  await page.click('#tab-worksites');
  await page.locator('.board-table tbody tr').first().waitFor().catch(() => {});
  const rows = await page.$$eval('.board-table tbody tr', (els) => els.map((e) => ({ code: e.dataset.code, state: e.dataset.state })));
  const free = rows.find((r) => r.state === 'free');
  if (!free) {
    console.log('# skip: no free worksite to claim');
    return;
  }
  if (process.env.STRUNA_TEAM) await page.selectOption('#claim-team', process.env.STRUNA_TEAM);
  const team = await page.inputValue('#claim-team');
  const teams = await page.$$eval('#claim-team option', (els) => els.map((e) => e.value));
  const apiTeams = await apiCall('GET', 'api/v1/teams');
  const foreignTeams = (apiTeams.data || []).filter((t) => t.org && t.org !== me.org).map((t) => t.name);
  check(!teams.some((t) => foreignTeams.includes(t)), 'claim form offers only teams of my organisation', teams.join(','));
  await page.locator(`tr[data-code="${free.code}"] [data-action="claim"]`).click();
  await page.locator(`tr[data-code="${free.code}"][data-state="held"]`).waitFor();
  const holder = await page.locator(`tr[data-code="${free.code}"] [data-field="holder"]`).innerText();
  check(holder.includes(team), `board shows ${free.code} held by ${team}`, holder);
  check(await page.locator('.board-msg .msg-ok').isVisible(), 'the claim is confirmed');
  const cd1 = await page.locator(`tr[data-code="${free.code}"] td.countdown`).innerText();
  await page.waitForTimeout(2100);
  const cd2 = await page.locator(`tr[data-code="${free.code}"] td.countdown`).innerText();
  check(/^\d+(:\d\d){1,2}$/.test(cd1) && cd1 !== cd2, 'lease countdown runs', `${cd1} → ${cd2}`);
  claimed = { code: free.code, team };
  await shot('worksites');
});

await step('409 conflict', async () => {
  const rows = await page.$$eval('.board-table tbody tr', (els) => els.map((e) => ({ code: e.dataset.code, state: e.dataset.state, holder: e.querySelector('[data-field="holder"]')?.textContent })));
  const team = await page.inputValue('#claim-team').catch(() => '');
  const other = rows.find((r) => r.state === 'held' && team && !(r.holder || '').includes(team));
  if (!other) {
    console.log('# skip: no worksite held by another team');
    return;
  }
  await page.selectOption('#claim-site', other.code);
  await page.click('#claim-btn');
  const msg = page.locator('.board-msg .msg-error');
  await msg.waitFor();
  const text = await msg.innerText();
  check(/held by/i.test(text) && text.includes(other.code), 'a 409 shows the hub\'s "held by … until …" sentence', text);
  await shot('conflict');
});

await step('release through the API reaches the board live', async () => {
  if (!claimed) return;
  const res = await apiCall('POST', `api/v1/worksites/${encodeURIComponent(claimed.code)}/release`, { team: claimed.team });
  check(res.status === 200, `release of ${claimed.code} through the API`, `status ${res.status} ${JSON.stringify(res.data)}`);
  await page.locator(`tr[data-code="${claimed.code}"][data-state="free"]`).waitFor({ timeout: 10000 });
  ok(`board shows ${claimed.code} free again without reload (event stream)`);
});

await step('building change through the event stream', async () => {
  if (!PUSH) return;
  const before = await page.evaluate(() => location.href);
  const res = await fetch(PUSH, { method: 'POST', headers: { Authorization: 'Bearer ' + TOKEN }, body: '{}' });
  const b = await res.json();
  await page.click('#tab-map');
  await page.locator(`#bld-list button[data-building="${b.id}"] .badge[data-placard="${b.placard}"]`).waitFor({ timeout: 10000 });
  ok(`building ${b.id} turns ${b.placard} in the list without reload`);
  await page.waitForTimeout(300);
  const pt = await page.evaluate((id) => window.struna.buildingPoint(id), b.id);
  const got = await markerColour(pt);
  check(got === b.placard, `building ${b.id} redrawn ${b.placard} on the map`, `found ${got}`);
  check((await page.evaluate(() => location.href)).split('#')[0] === before.split('#')[0], 'no page reload happened');
  await shot('map-live');
});

await step('reconnect', async () => {
  if (!DROP) return;
  const res = await fetch(DROP, { method: 'POST', headers: { Authorization: 'Bearer ' + TOKEN }, body: '{}' });
  const b = await res.json();
  await page.click('#tab-map');
  await page.locator(`#bld-list button[data-building="${b.id}"] .badge[data-placard="${b.placard}"]`).waitFor({ timeout: 15000 });
  await page.locator('#live.live-live').waitFor();
  ok('after the stream is cut the page reconnects and catches up');
});

await step('tiles', async () => {
  if (!TILES) return;
  await fetch(TILES, { method: 'POST', headers: { Authorization: 'Bearer ' + TOKEN }, body: '{}' });
  await page.evaluate(() => (location.hash = '#/map'));
  await page.reload(); // the tile URL is read once, at start
  await page.locator('#bld-list button.bld-item').first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll('img.leaflet-tile-loaded').length > 0);
  await page.waitForTimeout(500);
  const b = buildings.find((x) => typeof x.lat === 'number');
  const pt = await page.evaluate((id) => window.struna.buildingPoint(id), b.id);
  const got = await markerColour(pt);
  const want = (await page.locator(`#bld-list button[data-building="${b.id}"] .badge`).getAttribute('data-placard'));
  check(got === want, 'with a tile URL configured the map shows tiles under the buildings', `building ${b.id}: found ${got}, want ${want}`);
  await shot('map-tiles');
});

await step('relief view', async () => {
  await page.click('#tab-relief');
  await page.locator('#view-relief:not([hidden])').waitFor();
  for (const part of ['requests', 'calls', 'messages']) {
    await page.waitForFunction((id) => {
      const el = document.getElementById(id);
      return el && el.textContent && !/^Loading/.test(el.textContent);
    }, 'relief-' + part);
  }
  const errs = await page.$$eval('#view-relief .msg-error', (els) => els.map((e) => e.textContent));
  check(errs.length === 0, 'relief tab shows requests, calls and messages', errs.join(' | '));
  await shot('relief-any');
  if (!RELIEF) return;

  const req = page.locator('article.req[data-request="REQ-1"]');
  await req.waitFor();
  check((await req.getAttribute('data-priority')) === 'urgent' && /URGENT/.test(await req.locator('.prio').innerText()), 'request REQ-1 shown as urgent');
  check(/partial/.test(await req.locator('[data-field="fulfilment"]').innerText()), 'request REQ-1 shown as partially fulfilled');
  const offers = await req.locator('li.offer').evaluateAll((els) => els.map((e) => ({ id: e.dataset.offer, status: e.dataset.status, dup: e.dataset.duplicate, text: e.textContent, html: e.innerHTML })));
  check(offers.length === 2, 'request REQ-1 lists its two offers', JSON.stringify(offers.map((o) => o.id)));
  const o1 = offers.find((o) => o.id === 'OFF-1');
  const o2 = offers.find((o) => o.id === 'OFF-2');
  check(o1 && o1.dup === 'false' && o1.status === 'committed' && /committed/i.test(o1.text), 'offer OFF-1 shown committed, not a duplicate');
  check(o2 && o2.dup === 'true' && /DUPLICATE/.test(o2.text) && o2.text.includes('already offered in OFF-1'), 'duplicate offer OFF-2 flagged with the reason', o2 ? o2.text : 'missing');
  check(o2 && o2.text.includes('<again>') && !o2.html.includes('<again>') && o2.text.includes('EMERCOM <b>heavy</b>'), 'offer text shown as text, not markup');

  const call = page.locator('article.call[data-call="CALL-1"]');
  await call.waitFor();
  check((await call.locator('.card-title').innerText()) === 'Heavy USAR <coordination>', 'call CALL-1 shown with its title as text');
  check(/Starts \d\d:\d\d/.test(await call.innerText()), 'call shows its start');
  const seats = await call.locator('li[data-seat]').evaluateAll((els) => els.map((e) => e.dataset.seat + '=' + e.dataset.readiness));
  check(seats.join(',') === 'ORG-A=none,ORG-B=none', 'call lists both invitees, no answer yet', seats.join(','));
  await call.locator('.headline [data-key="open_requests"]').waitFor();
  check((await call.locator('.headline [data-key="duplicate_offers"] dd').innerText()) === '1', 'call shows the brief\'s headline numbers');

  const [dl] = await Promise.all([page.waitForEvent('download'), call.locator('[data-action="ics"]').click()]);
  const ics = fs.readFileSync(await dl.path(), 'utf8');
  check(ics.startsWith('BEGIN:VCALENDAR') && dl.suggestedFilename() === 'CALL-1.ics', 'the call\'s .ics downloads', dl.suggestedFilename());

  await call.locator('select[name="readiness"]').selectOption('ready');
  await call.locator('[data-action="answer"]').click();
  await page.locator('article.call[data-call="CALL-1"] li[data-seat="ORG-A"][data-readiness="ready"]').waitFor();
  ok('answering "ready" shows ORG-A ready');

  if (CALL_HOOK) {
    await fetch(CALL_HOOK, { method: 'POST', headers: { Authorization: 'Bearer ' + TOKEN }, body: '{}' });
    const other = page.locator('article.call[data-call="CALL-1"] li[data-seat="ORG-B"][data-readiness="delayed"]');
    await other.waitFor({ timeout: 10000 });
    check(/delayed 10 min/.test(await other.innerText()), 'another organisation\'s "delayed 10 min" arrives without reload (event stream)');
  }

  const m = page.locator('#relief-messages li[data-message="MSG-1"]');
  await m.waitFor();
  const mt = await m.innerText();
  check(/verified/.test(mt) && /From ORG-B to ORG-A/.test(mt) && mt.includes('Airspace <closed> over sector C'), 'official message MSG-1 listed with from, to, subject and verified', mt);
  await shot('relief');
});

await step('phone layout', async () => {
  await page.setViewportSize({ width: 412, height: 860 });
  await page.evaluate(() => (location.hash = '#/map'));
  await page.waitForTimeout(500);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 412, 'page fits a 412 px wide phone screen', `${wide} px wide`);
  await shot('phone-map');
  await page.click('#tab-worksites');
  await page.waitForTimeout(300);
  await shot('phone-worksites');
  await page.click('#tab-relief');
  await page.waitForTimeout(300);
  const wideR = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.getElementById('view-relief').scrollWidth));
  check(wideR <= 412, 'relief view fits a 412 px wide phone screen', `${wideR} px wide`);
  await shot('phone-relief');
  await page.setViewportSize({ width: 1280, height: 800 });
});

check(pageErrors.length === 0, 'no uncaught errors in the page', pageErrors.join(' | '));
check(cspErrors.length === 0, 'no Content-Security-Policy violations', cspErrors.join(' | '));
check(foreign.length === 0, 'no request left the hub', foreign.slice(0, 5).join(' '));

await ctx.close();
fs.rmSync(userDir, { recursive: true, force: true });
console.log(`${passed} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
