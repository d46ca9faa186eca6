// A Node socket.io 4.8 server in a Redis cluster, driven by JSON lines on stdin; prints JSON lines. Env: PORT,
// REDIS_URL, NAME, REQUESTS_TIMEOUT (ms), SPECIFIC ("1": publish on specific response channels), ADAPTER ("classic":
// @socket.io/redis-adapter 8.3 createAdapter, the default; "sharded": its createShardedAdapter, SUBSCRIPTION_MODE;
// "streams": @socket.io/redis-streams-adapter 0.3.1, BLOCK_TIME ms), CSR ("1": connectionStateRecovery on, 60 s).
const { Server } = require("socket.io");
const { createAdapter } = require("@socket.io/redis-adapter");
const { createClient } = require("redis");
const readline = require("readline");

const NAME = process.env.NAME;
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const enc = (v) => {
  if (Buffer.isBuffer(v)) return { $bin: [...v] };
  if (v instanceof ArrayBuffer) return { $bin: [...new Uint8Array(v)] };
  if (Array.isArray(v)) return v.map(enc);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, enc(x)]));
  return v;
};
const dec = (v) => {
  if (Array.isArray(v)) return v.map(dec);
  if (v && typeof v === "object") {
    if (Array.isArray(v.$bin)) return Buffer.from(v.$bin);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, dec(x)]));
  }
  return v;
};

(async () => {
  const { createCluster } = require("redis");
  // REDIS_CLUSTER: comma-separated seed URLs of a Redis Cluster (then REDIS_URL is not used)
  const pub = process.env.REDIS_CLUSTER
    ? createCluster({ rootNodes: process.env.REDIS_CLUSTER.split(",").map((url) => ({ url })) })
    : createClient({ url: process.env.REDIS_URL });
  const sub = pub.duplicate();
  pub.on("error", (e) => out({ type: "redis-error", msg: String(e) }));
  sub.on("error", (e) => out({ type: "redis-error", msg: String(e) }));
  await Promise.all([pub.connect(), sub.connect()]);
  const kind = process.env.ADAPTER || "classic";
  let adapter;
  if (kind === "sharded") {
    const { createShardedAdapter } = require("@socket.io/redis-adapter");
    adapter = createShardedAdapter(pub, sub, { subscriptionMode: process.env.SUBSCRIPTION_MODE || "dynamic" });
  } else if (kind === "streams") {
    const streams = require("@socket.io/redis-streams-adapter");
    adapter = streams.createAdapter(pub, { blockTimeInMs: Number(process.env.BLOCK_TIME || 1000) });
  } else {
    adapter = createAdapter(pub, sub, {
      requestsTimeout: Number(process.env.REQUESTS_TIMEOUT || 5000),
      publishOnSpecificResponseChannel: process.env.SPECIFIC === "1",
    });
  }
  const serverOpts = { adapter };
  if (process.env.CSR === "1") {
    serverOpts.connectionStateRecovery = { maxDisconnectionDuration: 60000, skipMiddlewares: true };
  }
  const io = new Server(serverOpts);
  for (const nsp of ["/", "/chat"]) {
    io.of(nsp).on("connection", (socket) => {
      const auth = socket.handshake.auth || {};
      socket.data = { name: auth.name, node: NAME };
      if (Array.isArray(auth.rooms)) socket.join(auth.rooms);
      socket.on("bcast", (...args) => socket.broadcast.emit("bcast", ...args));
    });
  }
  io.on("sse", (...args) => out({ type: "sse", args: enc(args) }));
  io.on("sse-ack", (arg, cb) => cb("pong-from-" + NAME));

  const op = (c) => {
    let o = io.of(c.nsp || "/");
    if (c.rooms && c.rooms.length) o = o.to(c.rooms);
    if (c.except && c.except.length) o = o.except(c.except);
    if (c.volatile) o = o.volatile;
    if (c.local) o = o.local;
    if (c.timeout) o = o.timeout(c.timeout);
    return o;
  };
  const run = async (c) => {
    const args = dec(c.args || []);
    switch (c.cmd) {
      case "emit": op(c).emit(c.event, ...args); return true;
      case "emitWithAck": return await op(c).emitWithAck(c.event, ...args);
      case "fetch":
        return (await op(c).fetchSockets()).map((s) => ({ id: s.id, handshake: s.handshake, rooms: [...s.rooms], data: s.data }));
      case "remoteEmit":
        for (const s of await op(c).fetchSockets()) s.emit(c.event, ...args);
        return true;
      case "join": op(c).socketsJoin(c.target); return true;
      case "leave": op(c).socketsLeave(c.target); return true;
      case "disconnect": op(c).disconnectSockets(!!c.close); return true;
      case "sse": io.serverSideEmit(c.event, ...args); return true;
      case "sseAck": return await io.serverSideEmitWithAck(c.event, ...args);
      case "allRooms": return [...(await io.of("/").adapter.allRooms())];
      case "serverCount": return await io.of("/").adapter.serverCount();
      default: throw new Error("unknown command " + c.cmd);
    }
  };
  readline.createInterface({ input: process.stdin }).on("line", async (line) => {
    let c;
    try { c = JSON.parse(line); } catch (e) { return; }
    try {
      out({ type: "result", id: c.id, result: enc(await run(c)) });
    } catch (e) {
      out({ type: "result", id: c.id, error: String((e && e.message) || e) });
    }
  });
  io.listen(Number(process.env.PORT));
  out({ type: "ready", port: Number(process.env.PORT) });
})().catch((e) => { out({ type: "fatal", msg: String(e) }); process.exit(1); });
