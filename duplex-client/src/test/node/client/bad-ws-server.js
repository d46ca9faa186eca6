// A misbehaving Engine.IO WebSocket server for the Java client's bad-input tests.
// usage: node bad-ws-server.js <port>
// Each connection gets a valid handshake and namespace CONNECT reply, then the frames of the "bad" query
// parameter: "garbage" -> an unknown Engine.IO packet type, "binary" -> a binary frame with nothing to attach to,
// "silent" -> a handshake with pingInterval 200 / pingTimeout 200 and then no ping at all.
const { WebSocketServer } = require("ws");

const port = parseInt(process.argv[2], 10);
const wss = new WebSocketServer({ host: "127.0.0.1", port });
wss.on("connection", (ws, req) => {
  const bad = new URL(req.url, "http://x").searchParams.get("bad");
  console.log(`connection ${bad}`);
  const ping = bad === "silent" ? 200 : 25000;
  ws.send(`0{"sid":"s1","upgrades":[],"pingInterval":${ping},"pingTimeout":${ping},"maxPayload":1000000}`);
  ws.on("message", (data, isBinary) => {
    const text = data.toString();
    console.log(`received ${text}`);
    if (text.startsWith("40")) {
      ws.send('40{"sid":"n1"}');
      if (bad === "garbage") ws.send("x-not-a-packet");
      if (bad === "binary") ws.send(Buffer.from([1, 2, 3]), { binary: true });
    }
  });
  ws.on("close", () => console.log("closed"));
});
wss.on("listening", () => console.log(`READY ${port}`));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
