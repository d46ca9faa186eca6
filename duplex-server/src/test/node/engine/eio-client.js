// Drives the official engine.io-client from a JUnit test (dev.duplex.engine.EngineClientInteropTest).
// usage: node eio-client.js <url> [<options JSON>] (engine.io-client's options, plus seqOnOpen: <min> to start a
//        sequence as soon as the socket opens)
// prints: OPEN <sid> <transport> | UPGRADE <transport> | TEXT <json> | BINARY <hex> | CLOSE <reason> | ERROR <msg>
//         CLOSE_DETAILS <json of {description, code, reason}> (after CLOSE, when a WebSocket closed)
//         SEQ_DONE <n> | SEQ_ERR <msg>
// reads commands on stdin: text <json> | binary <hex> | seq <min> | close | exit
"use strict";
const { Socket } = require("engine.io-client");
const readline = require("readline");

const url = process.argv[2];
const opts = JSON.parse(process.argv[3] || "{}");
// test-only option (not engine.io-client's): start a sequence of at least this many messages on "open", so that it
// is flowing before the upgrade can complete (a "seq" command from the test may come after it)
const seqOnOpen = opts.seqOnOpen;
delete opts.seqOnOpen;

// JSON with every non-ASCII character escaped, so that lines survive any console encoding
function ascii(s) {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}
function out(line) {
  process.stdout.write(line + "\n");
}

const socket = new Socket(url, opts);
let seq = null; // { next, expected, min, upgradedAt }

socket.on("open", () => {
  out("OPEN " + socket.id + " " + socket.transport.name);
  if (seqOnOpen) startSeq(seqOnOpen);
});

function startSeq(min) {
  seq = { next: 0, expected: 0, min: min, upgradedAt: -1, total: -1,
          startedOnWs: socket.transport.name === "websocket" };
  pump();
}
socket.on("upgrade", (t) => {
  out("UPGRADE " + t.name);
  if (seq && seq.upgradedAt < 0) seq.upgradedAt = seq.next;
});
socket.on("message", (data) => {
  if (typeof data === "string") {
    if (seq && data.startsWith("seq:")) {
      const n = Number(data.substring(4));
      if (n !== seq.expected) {
        out("SEQ_ERR expected " + seq.expected + " got " + n);
        seq = null;
        return;
      }
      seq.expected++;
      if (seq.expected === seq.total) {
        out("SEQ_DONE " + seq.total + " upgradedAt " + seq.upgradedAt);
        seq = null;
      }
      return;
    }
    out("TEXT " + ascii(data));
  } else {
    out("BINARY " + Buffer.from(data).toString("hex"));
  }
});
socket.on("close", (reason, details) => {
  out("CLOSE " + reason);
  // details of a closed WebSocket: { description, context: CloseEvent }
  if (details && details.context && details.context.code !== undefined) {
    out("CLOSE_DETAILS " + ascii(JSON.stringify({ description: details.description, code: details.context.code,
                                                  reason: details.context.reason })));
  }
});
socket.on("error", (e) => out("ERROR " + (e && e.message ? e.message : e)));

function pump() {
  // sends 1 message per tick while the upgrade may be running, until at least `min` are sent and the
  // transport has been websocket for 100 more messages (or polling-only)
  if (!seq) return;
  for (let i = 0; i < 5; i++) {
    socket.send("seq:" + seq.next);
    seq.next++;
  }
  const upgradedLongAgo = seq.upgradedAt >= 0 && seq.next - seq.upgradedAt >= 100;
  const noUpgrade = socket.transport.name === "websocket" && seq.upgradedAt < 0 && seq.startedOnWs;
  if (seq.next >= seq.min && (upgradedLongAgo || noUpgrade || seq.next >= 20000)) {
    seq.total = seq.next;
    return;
  }
  setTimeout(pump, 1);
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const i = line.indexOf(" ");
  const cmd = i < 0 ? line : line.substring(0, i);
  const arg = i < 0 ? "" : line.substring(i + 1);
  switch (cmd) {
    case "text":
      socket.send(JSON.parse(arg));
      break;
    case "binary":
      socket.send(Buffer.from(arg, "hex"));
      break;
    case "seq":
      startSeq(Number(arg));
      break;
    case "close":
      socket.close();
      break;
    case "exit":
      process.exit(0);
  }
});
