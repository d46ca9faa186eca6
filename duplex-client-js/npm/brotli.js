// Build step of duplex-client-js: writes <file>.br (brotli, quality 11, as zlib's default) for each bundle file,
// so that the server can answer "Accept-Encoding: br" as socket.io does (it compresses on the fly with
// zlib.createBrotliCompress) without a brotli encoder on the JVM.
// Usage: node brotli.js <source dir> <destination dir> <file>...
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const [src, dest, ...files] = process.argv.slice(2);
if (!src || !dest || files.length === 0) {
  console.error("usage: node brotli.js <source dir> <destination dir> <file>...");
  process.exit(2);
}
fs.mkdirSync(dest, { recursive: true });
for (const f of files) {
  const raw = fs.readFileSync(path.join(src, f));
  const br = zlib.brotliCompressSync(raw, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_DEFAULT_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  fs.writeFileSync(path.join(dest, f + ".br"), br);
}
