// Oracle for SocketIoParserInteropTest: runs the official socket.io-parser on requests read from stdin.
// One JSON request per line, one "R <json>" answer per line:
//   {"op":"decode","text":"...","attachments":["<base64>",...]}
//     -> {"ok":true,"type":n,"nsp":"..","id":n|null,"encoded":["text","<base64>",...]} (the decoded packet
//        encoded again by socket.io-parser) or {"ok":false,"error":"..."} or {"ok":true,"pending":true}
//   {"op":"encode","packet":{"type":n,"nsp":"..","id":n,"data":...}} where {"$bin":"<base64>"} marks a Buffer
//     -> {"ok":true,"encoded":["text","<base64>",...]}
const { Encoder, Decoder } = require("socket.io-parser");
const readline = require("readline");

const encoder = new Encoder();

function revive(v) {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === "object") {
    if (typeof v.$bin === "string") return Buffer.from(v.$bin, "base64");
    const o = {};
    for (const k of Object.keys(v)) o[k] = revive(v[k]);
    return o;
  }
  return v;
}

function encoded(packet) {
  return encoder.encode(packet).map((x) => (typeof x === "string" ? x : Buffer.from(x).toString("base64")));
}

function handle(req) {
  if (req.op === "encode") {
    const p = req.packet;
    const packet = { type: p.type, nsp: p.nsp, data: revive(p.data) };
    if (p.id !== undefined && p.id !== null) packet.id = p.id;
    if (packet.data === null) delete packet.data;
    return { ok: true, encoded: encoded(packet) };
  }
  if (req.op === "decode") {
    const decoder = new Decoder();
    let out = null;
    decoder.on("decoded", (packet) => {
      out = packet;
    });
    try {
      decoder.add(req.text);
      for (const b of req.attachments || []) decoder.add(Buffer.from(b, "base64"));
    } catch (e) {
      return { ok: false, error: String(e && e.message) };
    }
    if (!out) return { ok: true, pending: true };
    return { ok: true, type: out.type, nsp: out.nsp, id: out.id === undefined ? null : out.id, encoded: encoded(out) };
  }
  return { ok: false, error: "unknown op" };
}

const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (line) => {
  let res;
  try {
    res = handle(JSON.parse(line));
  } catch (e) {
    res = { ok: false, error: "oracle failure: " + e.message };
  }
  process.stdout.write("R " + JSON.stringify(res) + "\n");
});
rl.on("close", () => process.exit(0));
process.stdout.write("READY\n");
