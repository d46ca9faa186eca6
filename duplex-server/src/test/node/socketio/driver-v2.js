// Drives official socket.io-client 2.x sockets (Socket.IO v2: Engine.IO v3) from JUnit: one JSON command per stdin
// line, one JSON event per stdout line. Binary values travel as {"$bin":[bytes...]} in both directions.
// socket.io-client 2 has no onAny: the events to listen to are named in the connect command.
'use strict';
const io = require('socket.io-client-v2');
const { out, toWire, fromWire, serve } = require('./json-lines');

const url = process.env.SERVER_URL;
const sockets = new Map();

function connect(cmd) {
  const name = cmd.name;
  const socket = io(url + (cmd.nsp === '/' || !cmd.nsp ? '' : cmd.nsp), {
    forceNew: true,
    reconnection: false,
    transports: cmd.transports || ['polling', 'websocket'],
    upgrade: cmd.upgrade !== false,
    forceBase64: cmd.forceBase64 === true,
    query: cmd.query || undefined,
    timeout: 5000,
  });
  sockets.set(name, socket);
  socket.on('connect', () => out({ type: 'connect', name, id: socket.id, transport: socket.io.engine.transport.name,
    eio: socket.io.engine.transport.query.EIO }));
  socket.on('connect_error', (err) => out({ type: 'connect_error', name, message: String(err && err.message || err) }));
  socket.on('error', (data) => out({ type: 'error', name, data: fromWire(data) }));
  socket.on('disconnect', (reason) => out({ type: 'disconnect', name, reason }));
  // the Manager's pong: the server answered one of the client's pings (Engine.IO v3: the client pings)
  socket.on('pong', () => out({ type: 'pong', name }));
  socket.io.on('open', () => socket.io.engine.on('upgrade', (t) => out({ type: 'upgrade', name, transport: t.name })));
  for (const event of cmd.events || []) {
    socket.on(event, (...args) => {
      const last = args[args.length - 1];
      let ack = null;
      if (typeof last === 'function') ack = args.pop();
      out({ type: 'event', name, event, args: fromWire(args), withAck: !!ack });
      if (ack) ack(...args, 'from-client');
    });
  }
}

const handlers = {
  connect,
  emit(cmd) {
    sockets.get(cmd.name).emit(cmd.event, ...toWire(cmd.args || []));
  },
  emitAck(cmd) {
    sockets.get(cmd.name).emit(cmd.event, ...toWire(cmd.args || []), (...res) => {
      out({ type: 'ack', name: cmd.name, id: cmd.id, args: fromWire(res) });
    });
  },
  disconnect(cmd) {
    sockets.get(cmd.name).disconnect();
  },
  transport(cmd) {
    out({ type: 'transport', name: cmd.name, transport: sockets.get(cmd.name).io.engine.transport.name });
  },
  exit() {
    for (const s of sockets.values()) s.disconnect();
    setTimeout(() => process.exit(0), 50);
  },
};

serve(handlers);
