// A tiny static file server for the Admin UI files of Node's @socket.io/admin-ui package (ui/dist), so that the
// page is served by something other than Duplex. usage: node static-server.js <port>. Prints "LISTENING <port>".
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const root = path.join(path.dirname(require.resolve('@socket.io/admin-ui/package.json')), 'ui', 'dist');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.map': 'application/json' };
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
  const file = path.join(root, rel);
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('LISTENING ' + process.argv[2] + '\n'));
