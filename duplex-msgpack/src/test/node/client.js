// The official socket.io-client with socket.io-msgpack-parser against a Duplex server.
// env SERVER_URL, TRANSPORTS (comma separated). Prints JSON lines (see common.js).
const { io } = require("socket.io-client");
const parser = require("socket.io-msgpack-parser");
const { log } = require("./common");

const socket = io(process.env.SERVER_URL, {
  parser,
  transports: process.env.TRANSPORTS.split(","),
  auth: { token: "abc" },
  reconnection: false,
});
socket.on("connect", () => {
  log("connect", { id: socket.id, transport: socket.io.engine.transport.name });
  socket.emit("echo", "h\u00e9llo", Buffer.from([1, 2, 3]),
    { nested: [Buffer.alloc(300, 7)], n: 1.5, big: 2 ** 40, neg: -70000, t: true, z: null },
    (...res) => log("echo-ack", { args: res }));
});
socket.io.engine.on("upgrade", (t) => log("upgrade", { transport: t.name }));
socket.on("welcome", (...args) => log("welcome", { args }));
socket.on("news", (...args) => log("news", { args }));
socket.on("question", (q, ack) => {
  log("question", { args: [q] });
  ack("answer", Buffer.from([9, 8]));
});
socket.on("connect_error", (e) => log("connect_error", { message: e.message }));
socket.on("disconnect", (reason) => log("disconnect", { reason }));
process.stdin.on("data", (d) => {
  if (String(d).includes("exit")) {
    socket.close();
    process.exit(0);
  }
});
log("ready");
