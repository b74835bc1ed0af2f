#!/usr/bin/env node
// gate.js: s3rver on loopback behind a gate that checks every request's SigV4 signature with AWS's own signer.
// SPDX-License-Identifier: GPL-3.0-or-later
//
// s3rver accepts any signature, so on its own it cannot tell a right
// secret from a wrong one. This gate listens on 127.0.0.1, verifies each
// request with @smithy/signature-v4 (what the AWS SDKs use), answers 403
// as S3 does when the signature, key or token is wrong, and proxies good
// requests to s3rver. It can also inject faults (HTTP 500/503, dropped
// connections) for the retry tests.
//
// Usage: node --openssl-legacy-provider gate.js --dir DIR [--port N] [--region R] [--bucket B]...
//   credentials: GATE_CREDENTIALS="AKID:SECRET[:TOKEN];AKID2:SECRET2"
// Prints "READY <port>" on standard output when both servers listen; exits
// when standard input closes (so it never outlives the test that started it).
// Control (no signature; loopback only):
//   POST /__gate/fault {"status":500,"count":2}  next 2 signed requests get 500
//   POST /__gate/fault {"drop":true,"count":1}   next signed request: connection closed
//   POST /__gate/fault {"hang":true,"count":1}   next signed request: never answered
//   GET  /__gate/stats                            counts, as JSON
'use strict';

const http = require('http');
const crypto = require('crypto');
const S3rver = require('s3rver');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

function parseArgs(argv) {
  const opts = { port: 0, region: 'us-east-1', buckets: [], dir: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') opts.port = Number(argv[++i]);
    else if (a === '--region') opts.region = argv[++i];
    else if (a === '--bucket') opts.buckets.push(argv[++i]);
    else if (a === '--dir') opts.dir = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  if (!opts.dir) throw new Error('--dir is required');
  return opts;
}

function parseCredentials(text) {
  const creds = new Map();
  for (const item of (text || '').split(';')) {
    if (!item) continue;
    const [id, secret, token] = item.split(':');
    creds.set(id, { accessKeyId: id, secretAccessKey: secret, sessionToken: token || undefined });
  }
  return creds;
}

const opts = parseArgs(process.argv.slice(2));
const credentials = parseCredentials(process.env.GATE_CREDENTIALS);
const stats = { requests: 0, verified: 0, rejected: 0, faults: 0, puts: 0 };
let faults = { count: 0, status: 500, drop: false, hang: false };

function xmlEscape(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function reject(res, status, code, message) {
  stats.rejected++;
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code>` +
    `<Message>${xmlEscape(message)}</Message><RequestId>gate</RequestId></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
  process.stderr.write(`gate: ${status} ${code}\n`);
}

// "a=1&b=%2F" -> { a: '1', b: '/' }, keeping repeated names as arrays;
// no '+' as space: SigV4 encodes spaces as %20.
function parseQuery(raw) {
  const query = {};
  if (!raw) return query;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    if (k in query) query[k] = [].concat(query[k], v);
    else query[k] = v;
  }
  return query;
}

const AUTH_RE = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

// Returns null when the request is good, else [status, code, message].
async function verify(req, body) {
  const auth = req.headers.authorization;
  if (!auth) return [403, 'AccessDenied', 'Anonymous requests are not allowed'];
  const m = AUTH_RE.exec(auth);
  if (!m) return [400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed'];
  const [, keyId, shortDate, region, service, signedList, signature] = m;
  const cred = credentials.get(keyId);
  if (!cred) return [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'];
  if (service !== 's3') return [400, 'AuthorizationHeaderMalformed', `wrong service '${service}'`];
  if (region !== opts.region)
    return [400, 'AuthorizationHeaderMalformed', `the region '${region}' is wrong; expecting '${opts.region}'`];
  const signedHeaders = signedList.split(';');
  for (const h of ['host', 'x-amz-date', 'x-amz-content-sha256'])
    if (!signedHeaders.includes(h)) return [403, 'AccessDenied', `the header ${h} must be signed`];

  const amzDate = req.headers['x-amz-date'] || '';
  const dm = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!dm || amzDate.slice(0, 8) !== shortDate) return [403, 'AccessDenied', 'bad x-amz-date'];
  const date = new Date(Date.UTC(+dm[1], +dm[2] - 1, +dm[3], +dm[4], +dm[5], +dm[6]));
  if (Math.abs(Date.now() - date.getTime()) > 15 * 60 * 1000)
    return [403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.'];

  if (cred.sessionToken !== undefined) {
    if (req.headers['x-amz-security-token'] !== cred.sessionToken || !signedHeaders.includes('x-amz-security-token'))
      return [403, 'InvalidToken', 'The provided token is malformed or otherwise invalid.'];
  }

  const payloadHash = req.headers['x-amz-content-sha256'];
  if (/^[0-9a-f]{64}$/.test(payloadHash || '')) {
    const actual = crypto.createHash('sha256').update(body).digest('hex');
    if (actual !== payloadHash)
      return [400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed."];
  } else if (payloadHash !== 'UNSIGNED-PAYLOAD') {
    return [400, 'InvalidRequest', 'x-amz-content-sha256 must be a SHA-256 or UNSIGNED-PAYLOAD'];
  }

  const headers = {};
  for (const h of signedHeaders) {
    if (req.headers[h] === undefined) return [403, 'SignatureDoesNotMatch', `signed header ${h} is missing`];
    headers[h] = req.headers[h];
  }
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const rawQuery = q < 0 ? '' : req.url.slice(q + 1);
  const signer = new SignatureV4({
    credentials: { accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretAccessKey,
                   sessionToken: cred.sessionToken },
    region, service: 's3', sha256: Sha256,
    uriEscapePath: false,  // S3 signs the path as sent, not encoded twice
    applyChecksum: false,
  });
  const signed = await signer.sign({
    method: req.method, protocol: 'http:', hostname: '127.0.0.1', path: rawPath,
    query: parseQuery(rawQuery), headers, body,
  }, { signingDate: date, signingRegion: region, signingService: 's3', signableHeaders: new Set(signedHeaders) });
  const expected = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization)[1];
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature)))
    return [403, 'SignatureDoesNotMatch',
            'The request signature we calculated does not match the signature you provided. Check your key and signing method.'];
  return null;
}

function control(req, res, body) {
  if (req.url === '/__gate/stats') {
    const text = JSON.stringify(stats);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(text);
  }
  if (req.url === '/__gate/fault' && req.method === 'POST') {
    const f = JSON.parse(body.toString() || '{}');
    faults = { count: f.count || 0, status: f.status || 500, drop: !!f.drop, hang: !!f.hang };
    res.writeHead(204);
    return res.end();
  }
  res.writeHead(404);
  res.end();
}

async function main() {
  // s3rver makes ListObjectsV2 continuation tokens with DES: without
  // OpenSSL's legacy provider every paginated listing would be a 500
  try {
    crypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
  } catch (e) {
    throw new Error('DES is unavailable (run node with --openssl-legacy-provider): ' + e.message);
  }
  const s3rver = new S3rver({
    address: '127.0.0.1', port: 0, silent: true, directory: opts.dir,
    configureBuckets: opts.buckets.map((name) => ({ name })),
  });
  const inner = await s3rver.run();

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (req.url.startsWith('/__gate/')) return control(req, res, body);
      stats.requests++;
      let failure;
      try {
        failure = await verify(req, body);
      } catch (e) {
        failure = [500, 'InternalError', `gate: ${e.message}`];
      }
      if (failure) return reject(res, ...failure);
      stats.verified++;
      if (faults.count > 0) {
        faults.count--;
        stats.faults++;
        if (faults.drop) return req.socket.destroy();
        if (faults.hang) return setTimeout(() => req.socket.destroy(), 20000);
        return reject(res, faults.status, 'InternalError', 'We encountered an internal error. Please try again.');
      }
      if (req.method === 'PUT') stats.puts++;
      const headers = { ...req.headers };
      delete headers.authorization;
      delete headers['x-amz-security-token'];
      delete headers.expect;
      headers['content-length'] = String(body.length);
      delete headers['transfer-encoding'];
      const up = http.request({ host: '127.0.0.1', port: inner.port, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        });
      up.on('error', (e) => reject(res, 502, 'BadGateway', e.message));
      up.end(body);
    });
  });
  server.listen(opts.port, '127.0.0.1', () => {
    process.stdout.write(`READY ${server.address().port}\n`);
  });

  const stop = () => { server.close(); s3rver.close().finally(() => process.exit(0)); };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  process.stderr.write(`gate: ${e.stack || e}\n`);
  process.exit(1);
});
