'use strict';
// The sandbox's load client: POST /write?id=N with increasing ids, one request at a time,
// bounded in count and time; appends "id status millis" per request to LOG (status 000
// when no HTTP answer came). The port is re-read before each request.
// Usage: node load.js --port-file F --log LOG [--seconds N] [--interval-ms N] [--count N]
//        [--start ID] [--timeout-ms N]
const fs = require('fs');
const http = require('http');

function parseArgs(argv) {
  const opts = { seconds: 10, intervalMs: 100, timeoutMs: 10000 };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const v = argv[i + 1];
    switch (a) {
      case '--port-file': opts.portFile = v; i += 1; break;
      case '--log': opts.log = v; i += 1; break;
      case '--seconds': opts.seconds = Number(v); i += 1; break;
      case '--interval-ms': opts.intervalMs = Number(v); i += 1; break;
      case '--count': opts.count = Number(v); i += 1; break;
      case '--start': opts.start = Number(v); i += 1; break;
      case '--timeout-ms': opts.timeoutMs = Number(v); i += 1; break;
      default: throw new Error(`unknown argument: ${a}`);
    }
  }
  for (const k of ['seconds', 'intervalMs', 'timeoutMs']) {
    if (!Number.isFinite(opts[k]) || opts[k] < 0) throw new Error(`invalid --${k}`);
  }
  if (!opts.portFile || !opts.log) throw new Error('--port-file and --log are required');
  if (opts.count === undefined) opts.count = Math.max(1, Math.ceil((opts.seconds * 1000) / Math.max(1, opts.intervalMs)));
  return opts;
}

function lastId(log) {
  let max = 0;
  try {
    for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
      const id = Number(line.split(' ')[0]);
      if (Number.isInteger(id) && id > max) max = id;
    }
  } catch (e) {
    // no log yet
  }
  return max;
}

function post(port, id, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/write?id=${id}`, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
      res.on('error', () => resolve('000'));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve('000'));
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const start = opts.start !== undefined ? opts.start : lastId(opts.log) + 1;
  const began = Date.now();
  const deadline = began + opts.seconds * 1000;
  const counts = {};
  let sent = 0;
  for (let i = 0; i < opts.count && Date.now() < deadline; i += 1) {
    const id = start + i;
    const t0 = Date.now();
    let port = '';
    try {
      port = fs.readFileSync(opts.portFile, 'utf8').trim();
    } catch (e) {
      port = '';
    }
    const status = port ? await post(Number(port), id, opts.timeoutMs) : '000';
    const ms = Date.now() - t0;
    fs.appendFileSync(opts.log, `${id} ${status} ${ms}\n`);
    counts[status] = (counts[status] || 0) + 1;
    sent += 1;
    const wait = opts.intervalMs - (Date.now() - t0);
    if (wait > 0 && i + 1 < opts.count) await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
  }
  const summary = Object.keys(counts).sort().map((s) => `${s}:${counts[s]}`).join(' ');
  process.stderr.write(`sandbox load: ${sent} requests (ids ${start}..${start + sent - 1}) ${summary}\n`);
}

main().catch((err) => {
  process.stderr.write(`sandbox load: ${err.message}\n`);
  process.exit(2);
});
