// Launches Debian's headless Chromium through playwright-core (no browser download), with a fresh profile.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
    viewport: { width: 1360, height: 900 },
  });
  const close = async () => {
    try { await context.close(); } finally { fs.rmSync(profile, { recursive: true, force: true }); }
  };
  return { context, close };
}

module.exports = { launch };
