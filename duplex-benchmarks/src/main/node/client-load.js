'use strict';
// The official socket.io-client as the load (issue #19): N clients in this one Node process, each emitting
// echo(payload) with an ack and the next one when the ack arrives (closed loop). Started by the harness:
//   node client-load.js <url> <clients> <websocket|default>
// "websocket": transports ['websocket'] (WebSocket only); "default": the client's defaults (HTTP long-polling,
// then the upgrade to WebSocket), and each client starts echoing once it has upgraded. Protocol with the harness:
// prints "READY <clients>" once every client is connected (and upgraded) and echoing; on stdin "mark" prints
// "MARK <acks received> <errors> <clients on websocket> <clients echoing>"; exits when stdin ends.
const readline = require('readline');
const { io } = require('socket.io-client');

const [url, clientsArg, mode] = process.argv.slice(2);
const clients = Number(clientsArg);
if (!url || !Number.isInteger(clients) || clients <= 0 || (mode !== 'websocket' && mode !== 'default')) {
  console.error('usage: node client-load.js <url> <clients> <websocket|default>');
  process.exit(2);
}
const payload = 'duplex-bench-0123456789abcdefghi';
let acks = 0;
let errors = 0;
let ready = 0;
let stopping = false;
const sockets = [];

function loop(socket) {
  if (stopping) return;
  socket.emit('echo', payload, (back) => {
    if (back === payload) acks++; else errors++;
    loop(socket);
  });
}

function start(socket) {
  ready++;
  loop(socket);
  if (ready === clients) console.log('READY ' + clients);
}

for (let i = 0; i < clients; i++) {
  const opts = { forceNew: true, reconnection: false };
  if (mode === 'websocket') opts.transports = ['websocket'];
  const socket = io(url, opts);
  sockets.push(socket);
  let started = false;
  socket.on('connect', () => {
    if (started) return;
    const engine = socket.io.engine;
    if (mode === 'websocket' || engine.transport.name === 'websocket') {
      started = true;
      start(socket);
    } else {
      engine.once('upgrade', () => {
        if (!started) {
          started = true;
          start(socket);
        }
      });
    }
  });
  socket.on('connect_error', (e) => {
    errors++;
    console.log('ERROR connect: ' + e.message);
  });
  socket.on('disconnect', (reason) => {
    if (!stopping) {
      errors++;
      console.log('ERROR disconnect: ' + reason);
    }
  });
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() === 'mark') {
    const ws = sockets.filter((s) => s.io.engine && s.io.engine.transport.name === 'websocket').length;
    console.log('MARK ' + acks + ' ' + errors + ' ' + ws + ' ' + ready);
  }
});
rl.on('close', () => {
  stopping = true;
  for (const s of sockets) s.close();
  process.exit(0);
});
