'use strict';
// The sandbox's sample app (README "Sample app and load client"): GET /health,
// POST /write?id=N, and 503 for everything while the app is in maintenance.
// Environment: the app's config (DATABASE_URL...), PORT, SANDBOX_ROOT, SANDBOX_APP.
const fs = require('fs');
const http = require('http');
const path = require('path');
const { Pool } = require('pg');
const { parse } = require('pg-connection-string');
const { readLinks, resolve } = require('./resolve');

const root = process.env.SANDBOX_ROOT;
const app = process.env.SANDBOX_APP;
const port = Number(process.env.PORT);
const stateDir = path.join(root, 'sandbox', 'apps', app);
const maintenanceFile = path.join(root, 'home', 'dokku', app, 'nginx.conf.d', 'maintenance.conf');
// Links are fixed when the container is created, like docker's.
const links = readLinks(root, app);

let pool = null;
let poolAddress = null;
let tableReady = false;

function log(...args) {
  console.log(new Date().toISOString(), ...args);
}

function database() {
  const dsn = process.env.DATABASE_URL;
  if (!dsn) throw new Error('DATABASE_URL is not set');
  const config = parse(dsn);
  return { config, address: resolve(root, links, config.host) };
}

function currentPool() {
  const { config, address } = database();
  if (pool && poolAddress === address) return pool;
  if (pool) pool.end().catch(() => {});
  pool = new Pool({
    ...config,
    host: address,
    port: Number(config.port || 5432),
    max: 4,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 2000,
    query_timeout: 15000,
  });
  pool.on('error', (err) => log('pool error:', err.message));
  poolAddress = address;
  tableReady = false;
  return pool;
}

async function write(id) {
  const p = currentPool();
  if (!tableReady) {
    await p.query('CREATE TABLE IF NOT EXISTS pgupgrade_load (id bigint PRIMARY KEY, at timestamptz DEFAULT now())');
    tableReady = true;
  }
  await p.query('INSERT INTO pgupgrade_load (id) VALUES ($1)', [id]);
}

function send(res, status, body) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(text + '\n');
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (fs.existsSync(maintenanceFile)) {
    send(res, 503, 'maintenance');
    return;
  }
  if (req.method === 'GET' && url.pathname === '/health') {
    let host = null;
    let address = null;
    let error = null;
    try {
      const db = database();
      host = db.config.host;
      address = db.address;
    } catch (err) {
      error = err.message;
    }
    send(res, 200, { app, pid: process.pid, host, address, error });
    return;
  }
  if (req.method === 'POST' && url.pathname === '/write') {
    const idText = url.searchParams.get('id') || '';
    if (!/^[0-9]+$/.test(idText)) {
      send(res, 400, 'id must be a non-negative integer');
      return;
    }
    write(idText).then(
      () => send(res, 200, 'ok'),
      (err) => {
        log(`write ${idText} failed:`, err.message);
        send(res, 500, `error: ${err.message}`);
      },
    );
    return;
  }
  send(res, 404, 'not found');
});

function shutdown() {
  server.close();
  if (pool) pool.end().catch(() => {});
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

server.listen(port, '127.0.0.1', () => {
  log(`${app} listening on 127.0.0.1:${port} (pid ${process.pid})`);
  const tmp = path.join(stateDir, `ready.${process.pid}`);
  fs.writeFileSync(tmp, `${process.pid}\n`);
  fs.renameSync(tmp, path.join(stateDir, 'ready'));
});
server.on('error', (err) => {
  log('listen error:', err.message);
  process.exit(1);
});
