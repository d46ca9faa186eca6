// Opens <count> engine.io-client sessions at once (alternating polling+upgrade and websocket-only), each sends
// one message and waits for its echo. usage: node eio-many.js <url> <count>
// prints: ALL_OPEN <n> once all are open, ALL_ECHOED <n> once every echo came back, FAIL <msg> on errors;
// then waits for "close" on stdin to close them all and prints ALL_CLOSED <n>.
"use strict";
const { Socket } = require("engine.io-client");
const readline = require("readline");

const url = process.argv[2];
const count = Number(process.argv[3]);
const sockets = [];
let open = 0, echoed = 0, closed = 0;

for (let i = 0; i < count; i++) {
  const opts = i % 2 === 0 ? {} : { transports: ["websocket"] };
  const s = new Socket(url, opts);
  sockets.push(s);
  s.on("open", () => {
    open++;
    if (open === count) process.stdout.write("ALL_OPEN " + open + "\n");
    s.send("hello " + i);
  });
  s.on("message", (d) => {
    if (d !== "hello " + i) {
      process.stdout.write("FAIL socket " + i + " got " + d + "\n");
      return;
    }
    echoed++;
    if (echoed === count) process.stdout.write("ALL_ECHOED " + echoed + "\n");
  });
  s.on("close", (reason) => {
    closed++;
    if (closed === count) process.stdout.write("ALL_CLOSED " + closed + "\n");
  });
  s.on("error", (e) => process.stdout.write("FAIL socket " + i + " error " + e + "\n"));
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "close") sockets.forEach((s) => s.close());
  if (line === "exit") process.exit(0);
});
