// The official engine.io-client's "should send cookies with withCredentials: true": polling only, with
// credentials; once open it sends "sendHeaders" and prints every message it receives as a JSON line.
const { Socket } = require("engine.io-client");

const socket = new Socket(process.env.SERVER_URL, { transports: ["polling"], withCredentials: true });
socket.on("open", () => setTimeout(() => socket.send("sendHeaders"), 10));
socket.on("message", (data) => {
  console.log(JSON.stringify({ type: "message", data }));
  socket.close();
  process.exit(0);
});
socket.on("error", (err) => console.log(JSON.stringify({ type: "error", message: String(err) })));
