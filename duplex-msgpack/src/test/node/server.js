// socket.io 4.8 server with socket.io-msgpack-parser, for Duplex's Java client. usage: node server.js <port>
// Prints "READY <port>", then JSON lines (see common.js).
const { Server } = require("socket.io");
const parser = require("socket.io-msgpack-parser");
const { log } = require("./common");

const port = parseInt(process.argv[2], 10);
const httpServer = require("http").createServer();
const io = new Server(httpServer, { parser, cors: { origin: "*" } });
io.on("connection", (socket) => {
  log("connection", { auth: socket.handshake.auth, transport: socket.conn.transport.name });
  socket.emit("welcome", "hi", Buffer.from([4, 5, 6]), { when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)) });
  socket.on("echo", (...args) => {
    const ack = args.pop();
    log("echo", { args });
    ack(...args);
  });
  socket.on("ask", () => {
    socket.emit("question", "q?", (...answer) => log("answer", { args: answer }));
  });
  socket.on("shout", (...args) => io.emit("news", ...args));
  socket.on("disconnect", (reason) => log("disconnect", { reason }));
});
httpServer.listen(port, "127.0.0.1", () => console.log(`READY ${port}`));
process.stdin.on("data", (d) => {
  if (String(d).includes("exit")) process.exit(0);
});
process.stdin.resume();
