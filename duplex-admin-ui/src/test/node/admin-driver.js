// Drives the official socket.io-client as the Admin UI does (namespace /admin, auth in the handshake) and as an
// ordinary user client, from JSON commands on stdin; prints what happens, one line each:
//   ADMIN_CONNECT | ADMIN_CONNECT_ERROR <message> | ADMIN <event> <json args> | ADMIN_ACK <json>
//   USER_CONNECT <id> | USER_DISCONNECT <reason> | USER_ACK <json> | USER_TRANSPORT <name>
//   USER_EVENT <event> <json args>
// usage: node admin-driver.js <base url>
'use strict';
const readline = require('readline');
const { io } = require('socket.io-client');

const base = process.argv[2];
let admin = null;
let user = null;

function out(line) {
  process.stdout.write(line + '\n');
}

const commands = {
  admin({ auth, namespace }) {
    if (admin) admin.close();
    admin = io(base + (namespace || '/admin'), { forceNew: true, reconnection: false, auth });
    admin.on('connect', () => out('ADMIN_CONNECT'));
    admin.on('connect_error', (e) => out('ADMIN_CONNECT_ERROR ' + e.message));
    admin.onAny((event, ...args) => out('ADMIN ' + event + ' ' + JSON.stringify(args)));
  },
  'admin-emit'({ event, args, ack }) {
    if (ack) admin.emit(event, ...args, (...res) => out('ADMIN_ACK ' + JSON.stringify(res)));
    else admin.emit(event, ...args);
  },
  user({ auth }) {
    user = io(base, { forceNew: true, reconnection: false, auth: auth || {} });
    user.on('connect', () => {
      out('USER_CONNECT ' + user.id);
      // the upgrade may be done already
      if (user.io.engine.transport.name === 'websocket') out('USER_TRANSPORT websocket');
      else user.io.engine.on('upgrade', (t) => out('USER_TRANSPORT ' + t.name));
    });
    user.on('disconnect', (reason) => out('USER_DISCONNECT ' + reason));
    user.onAny((event, ...args) => out('USER_EVENT ' + event + ' ' + JSON.stringify(args)));
  },
  'user-emit'({ event, args }) {
    user.emit(event, ...args, (...res) => out('USER_ACK ' + JSON.stringify(res)));
  },
  'user-close'() {
    user.close();
  },
};

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  const cmd = JSON.parse(line);
  try {
    commands[cmd.cmd](cmd);
  } catch (e) {
    out('FAIL ' + e.message);
  }
}).on('close', () => {
  if (admin) admin.close();
  if (user) user.close();
  process.exit(0);
});
out('READY');
