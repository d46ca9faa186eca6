// The official Admin UI page in Debian's headless Chromium (playwright-core), logging in to a Duplex server.
// usage: node admin-browser.js <ui url> <server url> <username> <password> <wrong password> <user ids, comma
// separated> <id of the socket to watch and disconnect>
// Prints "STEP <name> [detail]" after each step, "READY_FOR_JOIN" when the test should make the watched socket
// join the room "lobby", and "DONE" or "FAIL <why>".
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [uiUrl, serverUrl, username, password, wrongPassword, ids, target] = process.argv.slice(2);
const WAIT = 30000;

function step(line) {
  process.stdout.write(line + '\n');
}

async function login(page, pw) {
  await page.getByLabel('Server URL').fill(serverUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(pw);
  await page.getByRole('button', { name: 'Connect' }).click();
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-admin-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
    viewport: { width: 1360, height: 900 },
  });
  try {
    // the page links web fonts and icons from CDNs: not reachable from a test, and not needed
    const allowed = [new URL(uiUrl).origin, new URL(serverUrl).origin];
    await context.route((url) => !allowed.includes(url.origin), (route) => route.abort());
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    await page.goto(uiUrl, { waitUntil: 'domcontentloaded' });

    await login(page, wrongPassword);
    await page.getByText('Invalid credentials').waitFor();
    step('STEP refused');

    await login(page, password);
    await page.getByRole('button', { name: 'Connect' }).waitFor({ state: 'hidden' });
    step('STEP logged-in');

    await page.goto(uiUrl + '#/sockets/', { waitUntil: 'domcontentloaded' });
    const listed = {};
    for (const id of ids.split(',')) {
      const row = page.locator('tr', { hasText: id });
      await row.waitFor();
      const chip = row.locator('.v-chip');
      // the transport chip: "HTTP long-polling" or "WebSocket" (it changes on upgrade)
      await page.waitForFunction((el) => el && el.textContent.trim() === 'WebSocket',
        await chip.elementHandle(), { timeout: WAIT });
      listed[id] = (await chip.textContent()).trim();
    }
    step('STEP listed ' + JSON.stringify(listed));

    await page.locator('tr', { hasText: target }).click();
    await page.waitForURL(/#\/n\/.*\/sockets\//);
    const roomsCard = page.locator('.v-card', { has: page.locator('.v-card__title', { hasText: /^\s*Rooms\s*$/ }) });
    await roomsCard.locator('td', { hasText: target }).waitFor();
    const before = (await roomsCard.locator('tbody td:first-child').allTextContents()).map((t) => t.trim());
    step('STEP socket-page ' + JSON.stringify(before));
    step('READY_FOR_JOIN');
    await roomsCard.locator('td', { hasText: /^\s*lobby\s*$/ }).waitFor();
    step('STEP joined-live');

    // back to the list of sockets; the row of the watched socket there has its transport chip and the
    // disconnect button
    await page.evaluate(() => { window.location.hash = '#/sockets/'; });
    await page.waitForURL(/#\/sockets\/$/);
    const row = page.locator('tr', { hasText: target }).filter({ has: page.locator('.v-chip') });
    await row.locator('button').click();
    step('STEP clicked-disconnect');
    // (the click reaches the row too, which opens the socket's page: back to the list, where it is gone)
    await page.evaluate(() => { window.location.hash = '#/sockets/'; });
    await page.waitForURL(/#\/sockets\/$/);
    await page.waitForFunction((id) => {
      const rows = [...document.querySelectorAll('tr')].filter((tr) => tr.querySelector('.v-chip'));
      return rows.length > 0 && !rows.some((tr) => tr.textContent.includes(id));
    }, target, { timeout: WAIT });
    step('STEP row-gone');
    step('DONE');
  } catch (e) {
    try {
      const pages = context.pages();
      const rows = await pages[pages.length - 1].evaluate((id) => [...document.querySelectorAll('tr')]
        .filter((tr) => tr.textContent.includes(id)).map((tr) => tr.outerHTML.slice(0, 400)), target);
      step('DEBUG ' + JSON.stringify(rows));
    } catch (e2) { step('DEBUG none ' + e2.message); }
    step('FAIL ' + e.message.split('\n')[0]);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})();
