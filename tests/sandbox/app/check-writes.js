'use strict';
// Every id the load client logged with status 200 must be in pgupgrade_load of the database
// the app's DATABASE_URL now points at (host resolved as the app resolves it).
// Usage: DATABASE_URL=... node check-writes.js ROOT APP LOG
const fs = require('fs');
const { Client } = require('pg');
const { parse } = require('pg-connection-string');
const { readLinks, resolve } = require('./resolve');

async function main() {
  const [root, app, log] = process.argv.slice(2);
  const acked = [];
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    const [id, status] = line.split(' ');
    if (status === '200') acked.push(id);
  }
  const dsn = process.env.DATABASE_URL;
  if (!dsn) throw new Error(`app ${app} has no DATABASE_URL`);
  const config = parse(dsn);
  const address = resolve(root, readLinks(root, app), config.host);
  const where = `${config.host}/${config.database}`;
  const client = new Client({ ...config, host: address, port: Number(config.port || 5432), connectionTimeoutMillis: 10000 });
  await client.connect();
  let present = new Set();
  try {
    if (acked.length > 0) {
      const res = await client.query('SELECT id::text AS id FROM pgupgrade_load WHERE id = ANY($1::bigint[])', [acked]);
      present = new Set(res.rows.map((r) => r.id));
    }
  } finally {
    await client.end();
  }
  const missing = acked.filter((id) => !present.has(id));
  if (missing.length > 0) {
    process.stderr.write(` !     sandbox: ${missing.length} of ${acked.length} acknowledged writes missing from ${where}; first missing ids: ${missing.slice(0, 20).join(' ')}\n`);
    process.exit(1);
  }
  process.stdout.write(`sandbox: all ${acked.length} acknowledged writes are in ${where}\n`);
}

main().catch((err) => {
  process.stderr.write(` !     sandbox: check-writes failed: ${err.message}\n`);
  process.exit(1);
});
