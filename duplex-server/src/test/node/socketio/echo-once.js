// The official socket.io-client: connects to SERVER_URL (TRANSPORTS, comma-separated), waits for the upgrade when
// both transports are allowed, emits "echo" with an ack, prints the answer as a JSON line, disconnects.
// A connect_error is printed with its message and the transport error's description. NODE_EXTRA_CA_CERTS makes
// Node trust a test certificate.
const { io } = require("socket.io-client");

const transports = (process.env.TRANSPORTS || "polling,websocket").split(",");
const socket = io(process.env.SERVER_URL, { transports, reconnection: false });
const out = (o) => console.log(JSON.stringify(o));

socket.on("connect_error", (err) => {
  const d = err.description;
  out({ type: "connect_error", message: err.message,
        description: d && (d.message || (d.error && d.error.message) || String(d)) });
  process.exit(0);
});
socket.on("connect", () => {
  const engine = socket.io.engine;
  const go = async () => {
    const answer = await socket.timeout(5000).emitWithAck("echo", "hello");
    out({ type: "answer", transport: engine.transport.name, answer });
    socket.disconnect();
    process.exit(0);
  };
  if (transports.length > 1 && engine.transport.name !== "websocket") {
    engine.once("upgrade", go);
  } else {
    go();
  }
});
