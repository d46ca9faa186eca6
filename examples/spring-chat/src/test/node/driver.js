// Drives official socket.io-client sockets for the spring-chat tests: one JSON command per stdin line, one JSON
// event per stdout line. Every client also counts the Engine.IO message bytes it sends and receives (the payload
// of each "message" packet as a WebSocket frame carries it: "4" + text), for the metrics test.
'use strict';
const { io } = require('socket.io-client');
const readline = require('readline');

const url = process.env.SERVER_URL;
const sockets = new Map();
const bytes = new Map();

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function size(packet) {
  if (packet.type !== 'message') return 0;
  if (typeof packet.data === 'string') return 1 + Buffer.byteLength(packet.data, 'utf8');
  return packet.data.byteLength;
}

const handlers = {
  connect(cmd) {
    const name = cmd.name;
    const socket = io(url, {
      forceNew: true,
      reconnection: false,
      transports: cmd.transports || ['websocket'],
      upgrade: true,
      auth: cmd.auth || undefined,
    });
    const count = { sent: 0, received: 0, sentMessages: 0, receivedMessages: 0 };
    bytes.set(name, count);
    sockets.set(name, socket);
    // the Manager made its engine synchronously: listen before its first packet (the CONNECT)
    const engine = socket.io.engine;
    engine.on('packetCreate', (p) => { const n = size(p); if (n) { count.sent += n; count.sentMessages++; } });
    engine.on('packet', (p) => { const n = size(p); if (n) { count.received += n; count.receivedMessages++; } });
    engine.on('upgrade', (t) => out({ type: 'upgrade', name, transport: t.name }));
    socket.on('connect', () => out({ type: 'connect', name, id: socket.id }));
    socket.on('connect_error', (err) => {
      out({ type: 'connect_error', name, message: err.message, data: err.data === undefined ? null : err.data });
      if (cmd.closeOnError) socket.io.engine && socket.io.engine.close();
    });
    socket.on('disconnect', (reason) => out({ type: 'disconnect', name, reason }));
    socket.onAny((event, ...args) => out({ type: 'event', name, event, args }));
  },
  emitAck(cmd) {
    sockets.get(cmd.name).emit(cmd.event, ...(cmd.args || []), (...res) => {
      out({ type: 'ack', name: cmd.name, id: cmd.id, args: res });
    });
  },
  emit(cmd) {
    sockets.get(cmd.name).emit(cmd.event, ...(cmd.args || []));
  },
  disconnect(cmd) {
    sockets.get(cmd.name).disconnect();
  },
  bytes(cmd) {
    out({ type: 'bytes', name: cmd.name, ...bytes.get(cmd.name) });
  },
  exit() {
    for (const s of sockets.values()) s.disconnect();
    process.exit(0);
  },
};

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    return out({ type: 'error', message: 'bad command: ' + line });
  }
  try {
    handlers[cmd.cmd](cmd);
  } catch (e) {
    out({ type: 'error', message: String(e && e.stack || e) });
  }
});
process.stdin.on('end', () => process.exit(0));
out({ type: 'ready' });
