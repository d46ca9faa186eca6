'use strict';
// The Node socket.io 4.8.x contender of the benchmark (started by the harness: node --expose-gc socketio-server.js <port>,
// with cwd and NODE_PATH pointing at interop/). Default socket.io options; loopback only.
// echo: acks its payload; join: joins a room and acks; bcast(room, payload): emits bcast(payload) to the room except
// the sender. Protocol with the harness: prints "READY <port>"; on stdin "gc" collects garbage and prints
// "HEAP <bytes>"; exits when stdin ends, so it never outlives the harness.
const http = require('http');
const readline = require('readline');
const { Server } = require('socket.io');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node socketio-server.js <port>');
  process.exit(2);
}

const httpServer = http.createServer();
const io = new Server(httpServer);

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

httpServer.listen(port, '127.0.0.1', () => {
  console.log('READY ' + port);
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
  process.exit(0);
});
