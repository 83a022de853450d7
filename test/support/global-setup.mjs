// Where the tests' databases live: DATABASE_URL when set (CI on this machine: the local PostgreSQL), otherwise an
// embedded PostgreSQL started here in a fresh temporary directory. Each test file then creates its own database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.MAILTRAIL_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  // The compiled code (npm test builds first) holds the same embedded start-up the product uses.
  const { startEmbeddedDatabase } = require('../../dist/src/db/embedded.js');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-test-pg-'));
  fs.chmodSync(dataDir, 0o755);
  const db = await startEmbeddedDatabase({ dataDir, port: await freePort() });
  globalThis.__MAILTRAIL_EMBEDDED__ = { db, dataDir };
  process.env.MAILTRAIL_TEST_ADMIN_URL = db.url;
}
