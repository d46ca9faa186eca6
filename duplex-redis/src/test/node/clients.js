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
    });
    sockets[c.name] = s;
    s.on("connect", () => out({ type: "connected", name: c.name, id: s.id }));
    s.on("connect_error", (e) => out({ type: "connect_error", name: c.name, msg: e.message }));
    s.on("disconnect", (reason) => out({ type: "disconnect", name: c.name, reason }));
    s.onAny((event, ...args) => out({ type: "event", name: c.name, event, args: enc(args.filter((a) => typeof a !== "function")) }));
    s.on("ack-event", (...args) => {
      const cb = args[args.length - 1];
      if (typeof cb === "function") cb("ack-from-" + c.name);
    });
  } else if (c.cmd === "emit") {
    sockets[c.name].emit(c.event, ...(c.args || []));
  } else if (c.cmd === "close") {
    sockets[c.name].close();
  }
});
out({ type: "ready" });
