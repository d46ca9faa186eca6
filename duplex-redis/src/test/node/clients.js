// Official socket.io-client 4.8 sockets driven by JSON lines on stdin; prints JSON lines for everything they see.
const { io } = require("socket.io-client");
const readline = require("readline");

const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const enc = (v) => {
  if (typeof v === "function") return undefined;
  if (v instanceof ArrayBuffer) return { $bin: [...new Uint8Array(v)] };
  if (typeof Buffer !== "undefined" && Buffer.isBuffer(v)) return { $bin: [...v] };
  if (Array.isArray(v)) return v.map(enc);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, enc(x)]));
  return v;
};
const sockets = {};

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  let c;
  try { c = JSON.parse(line); } catch (e) { return; }
  if (c.cmd === "connect") {
    const s = io(c.url + (c.nsp && c.nsp !== "/" ? c.nsp : ""), {
      auth: { name: c.name, rooms: c.rooms || [] },
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      autoConnect: false,
    });
    sockets[c.name] = s;
    if (c.pid) {
      // recovering a session kept by another client (possibly on another server): the official client's own state
      s._pid = c.pid;
      s._lastOffset = c.offset;
    }
    s.on("connect", () => out({ type: "connected", name: c.name, id: s.id, recovered: !!s.recovered }));
    s.on("connect_error", (e) => out({ type: "connect_error", name: c.name, msg: e.message }));
    s.on("disconnect", (reason) => out({ type: "disconnect", name: c.name, reason }));
    s.onAny((event, ...args) => out({ type: "event", name: c.name, event, args: enc(args.filter((a) => typeof a !== "function")) }));
    s.on("ack-event", (...args) => {
      const cb = args[args.length - 1];
      if (typeof cb === "function") cb("ack-from-" + c.name);
    });
    s.connect();
  } else if (c.cmd === "drop") {
    // the transport dies without a DISCONNECT packet: a disconnection the server may recover
    const s = sockets[c.name];
    out({ type: "dropped", name: c.name, pid: s._pid, offset: s._lastOffset });
    s.io.engine.close();
  } else if (c.cmd === "emit") {
    sockets[c.name].emit(c.event, ...(c.args || []));
  } else if (c.cmd === "close") {
    sockets[c.name].close();
  }
});
out({ type: "ready" });
