'use strict';
// The Node socket.io 4.8.x contender of the benchmark (started by the harness: node --expose-gc socketio-server.js <port>,
// with cwd and NODE_PATH pointing at interop/). Default socket.io options; loopback only.
// echo: acks its payload; join: joins a room and acks; bcast(room, payload): emits bcast(payload) to the room except
// the sender. Protocol with the harness: prints "READY <port>"; on stdin "gc" collects garbage and prints
// "HEAP <bytes>"; exits when stdin ends, so it never outlives the harness.
// With "--redis <url>" (the cluster scenario) it is a node of a cluster: @socket.io/redis-adapter 8.3 (classic
// protocol, default options) on two node-redis clients.
const http = require('http');
const readline = require('readline');
const { Server } = require('socket.io');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node socketio-server.js <port>');
  process.exit(2);
}

const redisAt = process.argv.indexOf('--redis');
const redisUrl = redisAt > 0 ? process.argv[redisAt + 1] : null;
const httpServer = http.createServer();
const io = new Server(httpServer);
const redisClients = [];

io.on('connection', (socket) => {
  socket.on('echo', (payload, ack) => {
    if (typeof ack === 'function') ack(payload);
  });
  socket.on('join', (room, ack) => {
    socket.join(room);
    if (typeof ack === 'function') ack();
  });
  socket.on('bcast', (room, payload) => {
    socket.to(room).emit('bcast', payload);
  });
});

async function cluster() {
  if (!redisUrl) return;
  const { createClient } = require('redis');
  const { createAdapter } = require('@socket.io/redis-adapter');
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on('error', (e) => console.error('redis error: ' + e));
  await Promise.all([pub.connect(), sub.connect()]);
  redisClients.push(pub, sub);
  io.adapter(createAdapter(pub, sub));
}

cluster().then(() => {
  httpServer.listen(port, '127.0.0.1', () => {
    console.log('READY ' + port);
  });
}, (e) => {
  console.error('could not join the cluster: ' + e);
  process.exit(1);
});

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() === 'gc') {
    if (global.gc) {
      global.gc();
      global.gc();
    }
    console.log('HEAP ' + (global.gc ? process.memoryUsage().heapUsed : -1));
  }
});
rl.on('close', () => {
  io.close();
  for (const c of redisClients) c.disconnect().catch(() => {});
  process.exit(0);
});
