// What the socket.io-client drivers (driver.js, driver-v2.js) share: JSON lines on stdout, binary values as
// {"$bin":[bytes...]} in both directions, and the stdin command loop.
'use strict';
const readline = require('readline');

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function toWire(v) {
  if (v && typeof v === 'object') {
    if (Array.isArray(v)) return v.map(toWire);
    if (v.$bin) return Buffer.from(v.$bin);
    const o = {};
    for (const k of Object.keys(v)) o[k] = toWire(v[k]);
    return o;
  }
  return v;
}

function fromWire(v) {
  if (v instanceof ArrayBuffer) return { $bin: Array.from(new Uint8Array(v)) };
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { $bin: Array.from(v) };
  if (v && typeof v === 'object') {
    if (Array.isArray(v)) return v.map(fromWire);
    const o = {};
    for (const k of Object.keys(v)) o[k] = fromWire(v[k]);
    return o;
  }
  return v;
}

/** Runs handlers[cmd.cmd](cmd) for each JSON line on stdin; exits when stdin ends; then says it is ready. */
function serve(handlers) {
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (!line.trim()) return;
    let cmd;
    try {
      cmd = JSON.parse(line);
      handlers[cmd.cmd](cmd);
    } catch (e) {
      out({ type: 'error', message: String(e && e.stack || e), line });
    }
  });
  process.stdin.on('end', () => process.exit(0));
  out({ type: 'ready' });
}

module.exports = { out, toWire, fromWire, serve };
