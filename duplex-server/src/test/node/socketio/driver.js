// Drives official socket.io-client sockets from JUnit: one JSON command per stdin line, one JSON event per stdout line.
// Binary values travel as {"$bin":[bytes...]} in both directions.
'use strict';
const { io } = require('socket.io-client');
const { out, toWire, fromWire, serve } = require('./json-lines');

const url = process.env.SERVER_URL;
const sockets = new Map();
const many = [];

function options(cmd) {
  return {
    forceNew: cmd.forceNew !== false,
    reconnection: cmd.reconnection === true,
    reconnectionDelay: cmd.reconnectionDelay || 1000,
    randomizationFactor: cmd.reconnection === true ? 0 : 0.5,
    transports: cmd.transports || ['polling', 'websocket'],
    upgrade: cmd.upgrade !== false,
    addTrailingSlash: cmd.addTrailingSlash !== false,
    auth: cmd.auth || undefined,
    query: cmd.query || undefined,
    extraHeaders: cmd.headers || undefined,
    timeout: 5000,
  };
}

function connect(cmd) {
  const name = cmd.name;
  let socket;
  if (cmd.sameAs) {
    // another namespace on the same Manager (one Engine.IO connection)
    // (the Manager opens it: autoConnect; a second connect() would send a second CONNECT, an invalid state)
    socket = sockets.get(cmd.sameAs).io.socket(cmd.nsp || '/', { auth: cmd.auth || undefined });
  } else {
    socket = io(url + (cmd.nsp === '/' || !cmd.nsp ? '' : cmd.nsp), options(cmd));
  }
  sockets.set(name, socket);
  socket.on('connect', () => out({ type: 'connect', name, id: socket.id, transport: socket.io.engine.transport.name,
    recovered: socket.recovered, engineId: socket.io.engine.id }));
  socket.on('connect_error', (err) => out({ type: 'connect_error', name, message: err.message, data: err.data === undefined ? null : err.data }));
  socket.on('disconnect', (reason) => out({ type: 'disconnect', name, reason }));
  if (!cmd.sameAs) {
    socket.io.on('open', () => socket.io.engine.on('upgrade', (t) => out({ type: 'upgrade', name, transport: t.name })));
    socket.io.on('reconnect_attempt', (attempt) => out({ type: 'reconnect_attempt', name, attempt }));
  }
  socket.onAny((event, ...args) => {
    const last = args[args.length - 1];
    let ack = null;
    if (typeof last === 'function') ack = args.pop();
    out({ type: 'event', name, event, args: fromWire(args), withAck: !!ack });
    if (ack && !event.startsWith('noack')) ack(...args.map((a) => a), 'from-client');
  });
}

const handlers = {
  connect,
  emit(cmd) {
    sockets.get(cmd.name).emit(cmd.event, ...toWire(cmd.args || []));
  },
  emitAck(cmd) {
    const socket = sockets.get(cmd.name);
    const s = cmd.timeout ? socket.timeout(cmd.timeout) : socket;
    s.emit(cmd.event, ...toWire(cmd.args || []), (...res) => {
      if (cmd.timeout) {
        const err = res.shift();
        if (err) return out({ type: 'ackTimeout', name: cmd.name, id: cmd.id, message: err.message });
      }
      out({ type: 'ack', name: cmd.name, id: cmd.id, args: fromWire(res) });
    });
  },
  disconnect(cmd) {
    sockets.get(cmd.name).disconnect();
  },
  closeEngine(cmd) {
    sockets.get(cmd.name).io.engine.close();
  },
  reconnect(cmd) {
    // connection state recovery: the socket sends its pid and last offset in its CONNECT
    if (cmd.offset) sockets.get(cmd.name)._lastOffset = cmd.offset;
    sockets.get(cmd.name).connect();
  },
  transport(cmd) {
    out({ type: 'transport', name: cmd.name, transport: sockets.get(cmd.name).io.engine.transport.name });
  },
  many(cmd) {
    // cmd.count websocket clients; each checks that "tick" events arrive in order
    let connected = 0;
    for (let i = 0; i < cmd.count; i++) {
      const socket = io(url + (cmd.nsp || ''), { forceNew: true, reconnection: false, transports: ['websocket'] });
      const state = { socket, received: 0, inOrder: true };
      many.push(state);
      socket.on('connect', () => {
        connected++;
        if (connected === cmd.count) out({ type: 'manyConnected', count: connected });
      });
      socket.on('tick', (n) => {
        if (n !== state.received) state.inOrder = false;
        state.received++;
        if (state.received === cmd.expect) {
          const done = many.filter((s) => s.received === cmd.expect).length;
          if (done === cmd.count) out({ type: 'manyDone', inOrder: many.every((s) => s.inOrder) });
        }
      });
    }
  },
  manyReport() {
    out({ type: 'manyReport', received: many.map((s) => s.received), inOrder: many.map((s) => s.inOrder) });
  },
  exit() {
    for (const s of sockets.values()) s.disconnect();
    for (const s of many) s.socket.disconnect();
    setTimeout(() => process.exit(0), 50);
  },
};

serve(handlers);
