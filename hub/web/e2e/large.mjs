// Load check with many buildings: STRUNA_URL=... STRUNA_TOKEN=... node large.mjs
// Prints how long the page takes to show the list and to redraw after a
// zoom, and checks the legend counts every building the API lists.
// Timings are printed, never asserted (they depend on the machine).

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BASE = (process.env.STRUNA_URL || '').replace(/\/?$/, '/');
const TOKEN = process.env.STRUNA_TOKEN || '';
const CHROMIUM = process.env.STRUNA_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.STRUNA_SHOTS || '';

const res = await fetch(new URL('api/v1/buildings.geojson', BASE), { headers: { Authorization: 'Bearer ' + TOKEN } });
const total = (await res.json()).features.length;

const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'struna-large-'));
const ctx = await chromium.launchPersistentContext(userDir, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
await page.addInitScript((t) => localStorage.setItem('struna.token', t), TOKEN);
const t0 = Date.now();
await page.goto(BASE);
await page.locator('#bld-list button.bld-item').first().waitFor({ timeout: 60000 });
const tList = Date.now() - t0;
const counted = await page.$$eval('.legend-count', (els) => els.reduce((s, e) => s + Number(e.textContent), 0));
const t1 = Date.now();
await page.mouse.move(400, 400);
await page.mouse.wheel(0, -400);
await page.waitForTimeout(400); // zoom animation
await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
const tZoom = Date.now() - t1 - 400;
if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'large.png') });
await ctx.close();
fs.rmSync(userDir, { recursive: true, force: true });
console.log(`buildings ${total}: list shown ${tList} ms after navigation; redraw after zoom ${tZoom} ms`);
const bad = [];
if (counted !== total) bad.push(`legend counts ${counted} buildings, the API lists ${total}`);
if (errors.length) bad.push('page errors: ' + errors.join(' | '));
console.log(bad.length ? 'FAIL - ' + bad.join('; ') : 'ok - every building counted, no page errors');
process.exit(bad.length ? 1 : 0);
