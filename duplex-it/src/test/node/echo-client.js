// The official socket.io-client: connect to SERVER_URL, emit "echo" with an ack, print the answer, disconnect.
const { io } = require("socket.io-client");

const socket = io(process.env.SERVER_URL, { transports: (process.env.TRANSPORTS || "polling,websocket").split(",") });
socket.on("connect_error", (err) => {
  console.log(JSON.stringify({ type: "connect_error", message: err.message }));
  process.exit(1);
});
socket.on("connect", async () => {
  const answer = await socket.timeout(5000).emitWithAck("echo", "hello", 42);
  console.log(JSON.stringify({ type: "answer", id: socket.id, transport: socket.io.engine.transport.name, answer }));
  socket.disconnect();
  process.exit(0);
});
