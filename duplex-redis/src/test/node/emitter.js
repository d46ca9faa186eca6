// @socket.io/redis-emitter 5.1 driven by JSON lines on stdin. Env: REDIS_URL.
const { Emitter } = require("@socket.io/redis-emitter");
const { createClient } = require("redis");
const readline = require("readline");

const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const dec = (v) => {
  if (Array.isArray(v)) return v.map(dec);
  if (v && typeof v === "object") {
    if (Array.isArray(v.$bin)) return Buffer.from(v.$bin);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, dec(x)]));
  }
  return v;
};

(async () => {
  const client = createClient({ url: process.env.REDIS_URL });
  client.on("error", (e) => out({ type: "redis-error", msg: String(e) }));
  await client.connect();
  const emitter = new Emitter(client);
  const op = (c) => {
    let o = emitter.of(c.nsp || "/");
    if (c.rooms && c.rooms.length) o = o.to(c.rooms);
    if (c.except && c.except.length) o = o.except(c.except);
    if (c.volatile) o = o.volatile;
    return o;
  };
  readline.createInterface({ input: process.stdin }).on("line", (line) => {
    let c;
    try { c = JSON.parse(line); } catch (e) { return; }
    try {
      const args = dec(c.args || []);
      switch (c.cmd) {
        case "emit": op(c).emit(c.event, ...args); break;
        case "join": op(c).socketsJoin(c.target); break;
        case "leave": op(c).socketsLeave(c.target); break;
        case "disconnect": op(c).disconnectSockets(!!c.close); break;
        case "sse": emitter.serverSideEmit(c.event, ...args); break;
        default: throw new Error("unknown command " + c.cmd);
      }
      out({ type: "result", id: c.id, result: true });
    } catch (e) {
      out({ type: "result", id: c.id, error: String((e && e.message) || e) });
    }
  });
  out({ type: "ready" });
})().catch((e) => { out({ type: "fatal", msg: String(e) }); process.exit(1); });
