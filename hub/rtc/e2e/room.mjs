// Two participants in one call's audio room, in Debian's headless Chromium
// with its fake microphone (a beep): each must receive the other's audio
// through the hub (inbound-rtp packetsReceived > 0 and bytesReceived
// growing). Run by hub/rtc/room_browser_test.go with STRUNA_URL (the room
// page without token), STRUNA_TOKEN_A/B and STRUNA_CHROMIUM; playwright-core
// comes from hub/web/e2e (STRUNA_PLAYWRIGHT_FROM: that folder's package.json).
import { createRequire } from "node:module";

const require = createRequire(process.env.STRUNA_PLAYWRIGHT_FROM);
const { chromium } = require("playwright-core");

const url = process.env.STRUNA_URL;
const fail = (msg) => { console.error("FAIL: " + msg); process.exitCode = 1; };

const browser = await chromium.launch({
  executablePath: process.env.STRUNA_CHROMIUM,
  args: ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--no-sandbox", "--disable-gpu",
    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--autoplay-policy=no-user-gesture-required"],
});
try {
  const names = ["A", "B"];
  const pages = [];
  for (const n of names) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    page.on("console", (m) => console.log(`[${n}] ${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => console.log(`[${n}] pageerror: ${e.message}`));
    await page.goto(url + "?access_token=" + encodeURIComponent(process.env["STRUNA_TOKEN_" + n]));
    pages.push(page);
  }
  // The token must not stay in the address bar.
  for (const [i, p] of pages.entries()) {
    if (p.url().includes("access_token")) fail(`${names[i]}: token still in the URL ${p.url()}`);
  }
  const inbound = (p) => p.evaluate(async () => {
    const pc = window.strunaPC;
    if (!pc) return { state: document.getElementById("state").dataset.state, error: document.getElementById("error").textContent, packets: 0, bytes: 0 };
    let packets = 0, bytes = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "audio") { packets += s.packetsReceived || 0; bytes += s.bytesReceived || 0; }
    });
    return { state: pc.connectionState, packets, bytes, people: document.querySelectorAll("#people li").length };
  });
  const deadline = Date.now() + 20000;
  let last = [];
  for (;;) {
    last = await Promise.all(pages.map(inbound));
    if (last.every((s) => s.state === "connected" && s.packets > 0 && s.people === 2)) break;
    if (last.some((s) => s.state === "error" || s.state === "failed") || Date.now() > deadline) {
      fail("no inbound audio within 20 s: " + JSON.stringify(last));
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!process.exitCode) {
    await new Promise((r) => setTimeout(r, 1500));
    const later = await Promise.all(pages.map(inbound));
    for (const [i, s] of later.entries()) {
      if (!(s.bytes > last[i].bytes)) fail(`${names[i]}: bytesReceived did not grow: ${last[i].bytes} then ${s.bytes}`);
    }
    console.log("inbound audio: " + JSON.stringify(later));
    const texts = await Promise.all(pages.map((p) => p.locator("#people").innerText()));
    console.log("participants: " + JSON.stringify(texts));
  }
} finally {
  await browser.close();
}
