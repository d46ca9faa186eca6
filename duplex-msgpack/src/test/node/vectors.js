// socket.io-msgpack-parser's own encoder and decoder, for byte-compatibility tests.
// node vectors.js encode          -> one line per vector: <name> <hex>
// node vectors.js decode <hex>... -> one JSON line per hex: {"ok":packet} or {"error":message}
const parser = require("socket.io-msgpack-parser");
const { bin } = require("./common");

if (process.argv[2] === "encode") {
  // objects built in the key order socket.io itself uses for these packets
  const vectors = {
    connectReply: { type: 0, data: { sid: "abc" }, nsp: "/" },
    event: { type: 2, data: ["msg", "h\u00e9llo", 1, -1, 300, -70000, 2 ** 40, 1.5, true, false, null, { a: [1] }], nsp: "/" },
    eventWithAck: { type: 2, data: ["msg", Buffer.from([1, 2, 3])], id: 7, nsp: "/chat" },
    ack: { id: 7, type: 3, data: [Buffer.alloc(300, 9), "x".repeat(40)], nsp: "/" },
    disconnect: { type: 1, nsp: "/chat" },
    connectError: { type: 4, data: { message: "nope", data: { code: 1 } }, nsp: "/" },
  };
  for (const [name, packet] of Object.entries(vectors)) {
    const [buf] = new parser.Encoder().encode(packet);
    console.log(`${name} ${Buffer.from(buf).toString("hex")}`);
  }
} else {
  for (const hex of process.argv.slice(3)) {
    const d = new parser.Decoder();
    let out;
    d.on("decoded", (p) => { out = { ok: bin(p) }; });
    try {
      d.add(Buffer.from(hex, "hex"));
    } catch (e) {
      out = { error: e.message };
    }
    console.log(JSON.stringify(out));
  }
}
