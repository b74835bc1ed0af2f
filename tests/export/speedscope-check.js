// speedscope-check.js: loads a laprof speedscope export into the real
// speedscope app (its built files from the npm package, served on
// loopback) in headless Debian Chromium, and prints as JSON what a user
// sees: each profile's name in the toolbar, any error the app shows, and
// whether the file validates against speedscope's own file-format schema.
// Usage: node speedscope-check.js PROFILE.speedscope.json
// SPDX-License-Identifier: GPL-3.0-or-later
'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const Ajv = require('ajv');
const { chromium } = require('playwright-core');

const profilePath = process.argv[2];
const appDir = path.join(path.dirname(require.resolve('speedscope/package.json')), 'dist', 'release');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
                '.wasm': 'application/wasm', '.png': 'image/png', '.woff2': 'font/woff2', '.ico': 'image/x-icon' };

function validate (text) {
  const schema = JSON.parse(fs.readFileSync(path.join(appDir, 'file-format-schema.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  const check = ajv.compile(schema);
  const ok = check(JSON.parse(text));
  return ok ? [] : check.errors.slice(0, 10).map(e => `${e.instancePath} ${e.message}`);
}

async function main () {
  const text = fs.readFileSync(profilePath, 'utf8');
  const result = { schemaErrors: validate(text), profiles: [], appError: null, consoleErrors: [], dialogs: [] };
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url.split('?')[0].split('#')[0]);
    const file = url === '/profile.speedscope.json' ? profilePath : path.join(appDir, path.normalize(url));
    if (!file.startsWith(appDir) && file !== profilePath) { res.writeHead(403); res.end(); return; }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'laprof-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on('console', m => { if (m.type() === 'error') result.consoleErrors.push(m.text()); });
    page.on('pageerror', e => result.consoleErrors.push(String(e)));
    page.on('dialog', d => { result.dialogs.push(d.message()); d.dismiss(); });
    await page.goto(`http://127.0.0.1:${port}/index.html#profileURL=/profile.speedscope.json`);
    // loaded: the flame chart's canvas and a toolbar with the profile's name
    await page.waitForFunction(() => document.body.innerText.includes('Something went wrong') ||
                                     /\(\d+\/\d+\)|Time Order/.test(document.body.innerText),
                               null, { timeout: 30000 });
    const body = await page.evaluate(() => document.body.innerText);
    if (body.includes('Something went wrong')) result.appError = body;
    const count = JSON.parse(text).profiles.length;
    for (let i = 0; i < count && !result.appError; i++) {
      // the toolbar's middle: "NAME (i/n)" for a group of profiles
      result.profiles.push(await page.evaluate(() => document.body.innerText));
      await page.keyboard.press('n');
      await page.waitForTimeout(200);
    }
    // the sandwich view's table (DOM, not canvas) of the first profile:
    // its functions with their total and self times
    if (!result.appError) {
      for (let i = 0; i < count; i++) { await page.keyboard.press('p'); await page.waitForTimeout(100); }
      await page.keyboard.press('3');
      await page.waitForTimeout(500);
      result.sandwich = await page.evaluate(() => document.body.innerText);
    }
    result.title = await page.title();
  } finally {
    await context.close();
    server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch(e => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
