// socket.io-client 2.5.0's browser bundle in Debian's headless Chromium (playwright-core), against Duplex with
// allowEIO3: in a browser the v2 client polls with binary payloads (no b64), unlike in Node.
// usage: node browser-v2.js <base url> <transports, comma separated>. Prints "RESULT <json>" or "FAIL <why>".
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [base, transports] = process.argv.slice(2);
const bundle = require.resolve('socket.io-client-v2/dist/socket.io.js');

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-v2-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    // any page of the server (a 404 here) gives the page its origin: no CORS needed
    await page.goto(base + '/v2-test-page');
    await page.addScriptTag({ path: bundle });
    const result = await page.evaluate(([url, transports]) => new Promise((resolve, reject) => {
      const hex = (b) => Array.from(new Uint8Array(b)).map((x) => x.toString(16).padStart(2, '0')).join('');
      const out = {};
      const socket = io(url, { transports: transports.split(','), reconnection: false, forceNew: true });
      const timer = setTimeout(() => reject(new Error('timeout: ' + JSON.stringify(out))), 20000);
      socket.on('connect_error', (e) => reject(new Error('connect_error ' + e.message)));
      socket.on('welcome', (text, bin) => {
        out.welcome = [text, bin instanceof ArrayBuffer, hex(bin)];
      });
      socket.on('question', (q, ack) => {
        out.question = q;
        ack('answer', new Uint8Array([9, 8]).buffer);
      });
      socket.on('connect', () => {
        out.id = socket.id;
        socket.emit('echo', 'h\u00e9llo \ud83d\ude00', new Uint8Array([1, 2, 3]).buffer,
          { nested: [new Uint8Array([4, 5]).buffer] }, (...res) => {
            out.echo = [res[0], res[1] instanceof ArrayBuffer, hex(res[1]), hex(res[2].nested[0])];
            out.transport = socket.io.engine.transport.name;
            socket.emit('done');
          });
      });
      socket.on('bye', () => {
        clearTimeout(timer);
        socket.close();
        resolve(out);
      });
    }), [base, transports]);
    console.log('RESULT ' + JSON.stringify(result));
  } catch (e) {
    console.log('FAIL ' + e.message.split('\n')[0]);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})();
