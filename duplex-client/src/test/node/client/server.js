// Socket.IO 4.x test server for the Java client's interop tests.
// usage: node server.js <port>
// Prints one line per thing it sees, so that JUnit can assert on them:
//   READY <port>
//   connection <nsp> <auth json>
//   event <nsp> <name> <args json>        (Buffers are written as {"$bin":"<hex>"})
//   answer <nsp> <args json>              (the client's answer to "question")
//   handshake <nsp> <query q> <header x-test>     ("-" when absent)
//   cookie <cookie header>                 (for every request that carries cookies)
//   disconnect <nsp> <reason>
//   request|upgrade <METHOD> <transport> <x-test> <x-token>   (requests with an x-token header)
const { Server } = require("socket.io");

const port = parseInt(process.argv[2], 10);
const fs = require("fs");
// TLS_PFX / TLS_PASSPHRASE: serve https with this PKCS12 key store
const httpServer = process.env.TLS_PFX
  ? require("https").createServer({ pfx: fs.readFileSync(process.env.TLS_PFX), passphrase: process.env.TLS_PASSPHRASE })
  : require("http").createServer();
const io = new Server(httpServer, {
  pingInterval: parseInt(process.env.PING_INTERVAL || "25000", 10),
  pingTimeout: parseInt(process.env.PING_TIMEOUT || "20000", 10),
  cors: { origin: "*" },
  // RECOVERY=1: connection state recovery with socket.io's defaults
  connectionStateRecovery: process.env.RECOVERY ? {} : undefined,
  // NO_TRAILING_SLASH=1: socket.io's addTrailingSlash: false
  addTrailingSlash: !process.env.NO_TRAILING_SLASH,
});

function json(args) {
  return JSON.stringify(args, (k, v) => {
    if (v && v.type === "Buffer" && Array.isArray(v.data)) {
      return { $bin: Buffer.from(v.data).toString("hex") };
    }
    return v;
  });
}

function setup(nsp) {
  nsp.use((socket, next) => {
    const auth = socket.handshake.auth || {};
    if (auth.token === "bad") {
      const err = new Error("not authorized");
      err.data = { reason: "bad token" };
      return next(err);
    }
    next();
  });
  nsp.on("connection", (socket) => {
    console.log(`connection ${nsp.name} ${json(socket.handshake.auth || {})}`);
    console.log(`handshake ${nsp.name} ${socket.handshake.query.q || "-"} ${socket.handshake.headers["x-test"] || "-"}`);
    socket.onAny((event, ...args) => {
      if (typeof args[args.length - 1] === "function") args = args.slice(0, -1);
      console.log(`event ${nsp.name} ${event} ${json(args)}`);
    });
    socket.on("echo", (...args) => {
      const ack = args.pop();
      if (typeof ack === "function") ack(...args);
    });
    socket.on("message", (...args) => socket.emit("message-back", ...args));
    socket.on("ask", (...args) => {
      socket.emit("question", ...args, (...answer) => {
        console.log(`answer ${nsp.name} ${json(answer)}`);
      });
    });
    socket.on("kick", () => socket.disconnect());
    if (process.env.RECOVERY) {
      console.log(`recovered ${nsp.name} ${socket.recovered} ${socket.id}`);
      socket.on("join", (room, ack) => {
        socket.join(room);
        ack("joined");
      });
      // relay <room or null> <event> <args...>: a broadcast from the server, acknowledged once sent
      socket.on("relay", (room, event, ...rest) => {
        const ack = rest.pop();
        (room ? nsp.to(room) : nsp).emit(event, ...rest);
        ack("sent");
      });
    }
    socket.on("disconnect", (reason) => console.log(`disconnect ${nsp.name} ${reason}`));
  });
}

// a cookie for sticky sessions, and what the client sends back
io.engine.on("initial_headers", (headers) => {
  headers["set-cookie"] = ["sticky=abc; Path=/"];
});
io.engine.on("headers", (headers, req) => {
  if (req.headers.cookie) console.log(`cookie ${req.headers.cookie}`);
});

// requests carrying an x-token header (the Java client's per-request header hook), upgrades included:
//   request <METHOD> <transport> <x-test> <x-token>
function logRequest(kind, req) {
  if (!req.headers["x-token"]) return;
  const transport = new URL(req.url, "http://localhost").searchParams.get("transport");
  console.log(`${kind} ${req.method} ${transport} ${req.headers["x-test"] || "-"} ${req.headers["x-token"]}`);
}
httpServer.prependListener("request", (req) => logRequest("request", req));
httpServer.prependListener("upgrade", (req) => logRequest("upgrade", req));

setup(io.of("/"));
setup(io.of("/chat"));

httpServer.listen(port, "127.0.0.1", () => console.log(`READY ${port}`));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
