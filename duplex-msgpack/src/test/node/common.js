// JSON lines with Buffers / ArrayBuffers written as {"$bin":"<hex>"}.
function bin(v) {
  if (Buffer.isBuffer(v)) return { $bin: v.toString("hex") };
  if (v instanceof ArrayBuffer) return { $bin: Buffer.from(v).toString("hex") };
  if (Array.isArray(v)) return v.map(bin);
  if (v && typeof v === "object" && !(v instanceof Date)) {
    const o = {};
    for (const k of Object.keys(v)) o[k] = bin(v[k]);
    return o;
  }
  return v;
}
function log(type, obj) {
  console.log(JSON.stringify(Object.assign({ type }, bin(obj || {}))));
}
module.exports = { log, bin };
