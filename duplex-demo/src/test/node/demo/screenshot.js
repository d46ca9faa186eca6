// Development helper: node screenshot.js <url> <out.png> [nickname]
// Opens the demo page, joins the chat, chats a little and saves a screenshot.
'use strict';
const { launch } = require('./chromium');

(async () => {
  const [url, out, nickname] = process.argv.slice(2);
  const { context, close } = await launch();
  try {
    const a = await context.newPage();
    const b = await context.newPage();
    await a.goto(url);
    await a.waitForSelector('#status-pill[data-state="connected"]');
    await a.fill('#nickname', nickname || 'Alice');
    await a.click('#join-button');
    await b.goto(url);
    await b.waitForSelector('#status-pill[data-state="connected"]');
    await b.fill('#nickname', 'Bob');
    await b.click('#join-button');
    await a.waitForSelector('#message:not([disabled])');
    await b.waitForSelector('#message:not([disabled])');
    await a.fill('#message', 'Hello Bob! Is the JVM answering fast enough?');
    await a.click('#send-button');
    await b.fill('#message', 'Hi Alice, websocket is on 🚀');
    await b.click('#send-button');
    await a.fill('#room', 'general');
    await a.click('#room-join');
    await a.fill('#nom', 'Ana');
    await a.fill('#age', '31');
    await a.click('#person-submit');
    await a.waitForSelector('#form-result.ok');
    await b.type('#message', 'typing something', { delay: 30 });
    await a.waitForTimeout(4000);
    await a.screenshot({ path: out, fullPage: true });
    console.log('saved ' + out);
  } finally {
    await close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
