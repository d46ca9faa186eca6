// Browser end-to-end test of the demo page, driven by DemoBrowserTest (JUnit).
// Usage: node browser-e2e.js <base url> <token>
// Prints "STEP <name>" after each check that passed, "FAIL <name>: <why>" and exits 1 on the first failure,
// and "DONE" at the end. It asks JUnit to stop the server with "STOP_SERVER" (answer on stdin: "stopped") and
// to start it again on the same port with "START_SERVER" (answer: "started").
//
// Who must see which notification (pages A and B, A connects first):
//  - B's connection: "someone connected" goes to the others only (socket.broadcast.emit): A sees it, B never does.
//  - A joins the chat as Alice: "user joined" goes to everyone (io.emit): B shows "Alice joined the chat";
//    A gets the same event about itself and shows "You joined the chat as Alice", never "Alice joined the chat".
'use strict';
const readline = require('readline');
const { launch } = require('./chromium');

const [base, token] = process.argv.slice(2);
const url = (q) => base + '/?' + new URLSearchParams(q).toString();
const T = 30000;

const stdinLines = [];
const stdinWaiters = [];
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const w = stdinWaiters.shift();
  if (w) w(line); else stdinLines.push(line);
});
function nextStdinLine() {
  if (stdinLines.length) return Promise.resolve(stdinLines.shift());
  return new Promise((resolve) => stdinWaiters.push(resolve));
}
async function ask(request, answer) {
  console.log(request);
  const line = await nextStdinLine();
  if (line.trim() !== answer) throw new Error('expected "' + answer + '" from the test, got "' + line + '"');
}

let current = 'start';
const pages = {};
async function describePages() {
  const out = [];
  for (const [name, p] of Object.entries(pages)) {
    try {
      if (p.isClosed()) continue;
      const info = await p.evaluate(() => ({
        status: document.getElementById('status').textContent,
        error: document.getElementById('connect-error').textContent,
        events: Array.from(document.querySelectorAll('#events li')).map((li) => li.textContent).slice(0, 8),
        messages: Array.from(document.querySelectorAll('#messages li')).map((li) => li.textContent).slice(-8),
      }));
      out.push(name + ': ' + JSON.stringify(info));
    } catch (e) {
      out.push(name + ': (' + e.message.split('\n')[0] + ')');
    }
  }
  return out;
}
function step(name) {
  console.log('STEP ' + name);
}

async function connected(page) {
  await page.waitForSelector('#status-pill[data-state="connected"]', { timeout: T });
  return (await page.textContent('#socket-id')).trim();
}

async function count(page, selector) {
  return page.locator(selector).count();
}

async function expectText(page, selector, text) {
  await page.locator(selector, { hasText: text }).first().waitFor({ timeout: T });
}

async function join(page, nickname) {
  await page.fill('#nickname', nickname);
  await page.click('#join-button');
  await page.waitForSelector('#message:not([disabled])', { timeout: T });
}

async function say(page, text, room) {
  await page.selectOption('#target', room || '');
  await page.fill('#message', text);
  await page.click('#send-button');
}

async function statNumber(page, id) {
  return Number((await page.textContent('#' + id)).replace(/[^0-9.]/g, ''));
}

(async () => {
  const { context, close } = await launch();
  try {
    const a = await context.newPage();
    const b = await context.newPage();
    pages.A = a;
    pages.B = b;
    const errors = [];
    for (const p of [a, b]) p.on('pageerror', (e) => errors.push(e.message));

    current = 'page A connects';
    await a.goto(url({ token }));
    const idA = await connected(a);
    await a.locator('#transport', { hasText: 'websocket' }).waitFor({ timeout: T });
    await a.waitForSelector('#events li[data-event="upgrade"]', { timeout: T });
    await a.locator('#stat-clients', { hasText: /^1$/ }).waitFor({ timeout: T });
    step('A connected ' + idA + ' and upgraded to websocket; dashboard shows 1 client');

    current = 'page B connects';
    await b.goto(url({ token }));
    const idB = await connected(b);
    if (idA === idB) throw new Error('both pages have the same socket id ' + idA);
    await a.waitForSelector(`#messages li[data-kind="notice"][data-about="${idB}"]`, { timeout: T });
    await a.locator('#stat-clients', { hasText: /^2$/ }).waitFor({ timeout: T });
    step('A sees "someone connected" for B; the dashboard went from 1 to 2 clients');

    current = 'join notifications';
    await join(a, 'Alice');
    await expectText(b, '#messages li[data-kind="joined"][data-about="Alice"]', 'Alice joined the chat');
    await expectText(a, '#messages li[data-kind="self-joined"]', 'You joined the chat as Alice');
    await join(b, 'Bob');
    await expectText(a, '#messages li[data-kind="joined"][data-about="Bob"]', 'Bob joined the chat');
    await expectText(b, '#messages li[data-kind="self-joined"]', 'You joined the chat as Bob');
    // every event sent to B before its own "user joined" has arrived by now (one connection, in order)
    if (await count(a, '#messages li[data-kind="joined"][data-about="Alice"]') !== 0) {
      throw new Error('A shows its own join as "Alice joined the chat"');
    }
    if (await count(b, '#messages li[data-kind="notice"]') !== 0) {
      throw new Error('B sees a "someone connected" notice, but it was the last to connect');
    }
    if (await count(a, `#messages li[data-kind="notice"][data-about="${idA}"]`) !== 0) {
      throw new Error('A sees "someone connected" about itself');
    }
    step('B sees "Alice joined the chat", A does not (it shows "You joined"); B never sees "someone connected"');

    current = 'chat';
    await say(a, 'Hello Bob, from Alice');
    await expectText(b, '#messages li.msg', 'Hello Bob, from Alice');
    await say(b, 'Hi Alice, Bob here');
    await expectText(a, '#messages li.msg', 'Hi Alice, Bob here');
    await expectText(b, '#messages li.msg.mine', 'Hi Alice, Bob here');
    step('A and B chat with each other');

    current = 'typing indicator';
    await b.type('#message', 'typing', { delay: 20 });
    await expectText(a, '#typing', 'Bob is typing');
    await b.fill('#message', '');
    await a.locator('#typing', { hasText: /^$/ }).waitFor({ timeout: T });
    step('A sees "Bob is typing…", and it goes away');

    current = 'rooms';
    for (const p of [a, b]) {
      await p.fill('#room', 'general');
      await p.click('#room-join');
      await p.waitForSelector('#rooms li.room-chip[data-room="general"]', { timeout: T });
    }
    await expectText(a, '#messages li[data-kind="room"]', 'Bob joined #general');
    await say(a, 'only for #general', 'general');
    await expectText(b, '#messages li.msg', 'only for #general');
    await expectText(b, '#messages li.msg .room', '#general');
    await a.click('#rooms li.room-chip[data-room="general"] button');
    await a.waitForSelector('#rooms li.room-chip[data-room="general"]', { state: 'detached', timeout: T });
    await expectText(b, '#messages li[data-kind="room"]', 'Alice left #general');
    step('rooms: both join #general, a room message arrives, A leaves');

    current = 'form with ack';
    await a.fill('#nom', 'Ana');
    await a.fill('#age', '31');
    await a.click('#person-submit');
    await expectText(a, '#form-result.ok', 'Merci Ana (31 ans)');
    step('the form {nom, age} gets its ack');

    current = 'bad input';
    const bad = await a.evaluate(() => new Promise((resolve) => {
      const s = window.duplexSocket;
      s.emit('chat message', 12345);
      s.emit('join room', { evil: true }, () => {});
      s.emit('typing', null);
      s.emit('join', '');
      s.timeout(5000).emit('form', 'not an object', (err, res) => resolve(err ? 'timeout' : JSON.stringify(res)));
    }));
    if (!/"ok":false/.test(bad)) throw new Error('a bad form was not refused: ' + bad);
    await say(b, 'still alive after bad input');
    await expectText(a, '#messages li.msg', 'still alive after bad input');
    step('bad input is refused and the chat goes on');

    current = 'dashboard';
    const ticks0 = await statNumber(a, 'stat-ticks');
    const uptime0 = (await a.textContent('#stat-uptime')).trim();
    await a.waitForFunction((t) => Number(document.getElementById('stat-ticks').textContent) >= t + 2, ticks0,
      { timeout: T });
    const uptime1 = (await a.textContent('#stat-uptime')).trim();
    if (uptime0 === uptime1) throw new Error('the uptime did not change: ' + uptime1);
    if (!(await statNumber(a, 'stat-heap') > 0)) throw new Error('no heap figure');
    await a.waitForSelector('#chart .uplot canvas', { timeout: T });
    step('the dashboard numbers move (' + ticks0 + ' updates, ' + uptime0 + ' -> ' + uptime1 + ') and the chart is drawn');

    current = 'wrong token';
    const c = await context.newPage();
    pages.C = c;
    await c.goto(url({ token: 'not-the-token' }));
    await expectText(c, '#connect-error', 'invalid token');
    await c.waitForSelector('#status-pill[data-state="refused"]', { timeout: T });
    await c.waitForSelector('#events li[data-event="connect_error"]', { timeout: T });
    await c.close();
    step('a wrong token is refused and the page shows the connect_error message');

    current = 'server stops';
    await ask('STOP_SERVER', 'stopped');
    for (const p of [a, b]) {
      await p.waitForSelector('#events li[data-event="disconnect"]', { timeout: T });
      await p.waitForSelector('#status-pill[data-state="disconnected"], #status-pill[data-state="connecting"]',
        { timeout: T });
      await p.waitForSelector('#events li[data-event="reconnect_attempt"]', { timeout: T });
    }
    step('both pages show disconnect and reconnect_attempt');

    current = 'server restarts';
    await ask('START_SERVER', 'started');
    for (const p of [a, b]) {
      await p.waitForSelector('#events li[data-event="reconnect"]', { timeout: 30000 });
      await connected(p);
    }
    // the page joins again by itself on "connect" (the restarted server knows nobody)
    await expectText(a, '#messages li[data-kind="self-joined"]', 'You are back in the chat as Alice');
    await expectText(b, '#messages li[data-kind="self-joined"]', 'You are back in the chat as Bob');
    step('both pages show reconnect and are connected again');

    current = 'chat after restart';
    await say(b, 'back after the restart');
    await expectText(a, '#messages li.msg', 'back after the restart');
    await say(a, 'welcome back Bob');
    await expectText(b, '#messages li.msg', 'welcome back Bob');
    step('chat works again after the restart');

    if (errors.length) throw new Error('page errors: ' + errors.join(' | '));
    console.log('DONE');
  } catch (e) {
    const detail = String(e && e.message || e).split('\n').filter((l) => /waiting for|Error|expected/.test(l));
    for (const line of detail.concat(await describePages())) console.log('  ' + line);
    throw e;
  } finally {
    await close();
  }
})().then(() => process.exit(0), (e) => {
  console.log('FAIL ' + current + ': ' + String(e && e.message || e).split('\n')[0]);
  process.exit(1);
});
