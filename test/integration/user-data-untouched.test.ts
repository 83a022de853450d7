/**
 * `npm test` next to a running `npm start` must leave the user's data alone: the suite's server and CLI helpers
 * (including a `serve` that writes a first API key) never touch the project's default data directory.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_DATA_DIR, loadConfig } from '../../src/config';
import { fixture } from '../support/fixtures';
import { runCli, startServe } from '../support/cli';
import { startTestServer } from '../support/server';

/**
 * A content hash of the data directory: every file mailtrail writes there (api-key, pg-password, ...) and the
 * embedded cluster's postmaster.pid; the rest of pg/ is PostgreSQL's own and changes while a server runs.
 */
function hashDataDir(dir: string): string {
  const hash = crypto.createHash('sha256');
  if (!fs.existsSync(dir)) return 'absent';
  const visit = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const name = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        hash.update(`dir ${name}\n`);
        if (name !== 'pg') visit(name);
      } else hash.update(`file ${name}\n`).update(fs.readFileSync(path.join(dir, name)));
    }
  };
  visit('');
  const pid = path.join(dir, 'pg', 'postmaster.pid');
  if (fs.existsSync(pid)) hash.update(fs.readFileSync(pid));
  return hash.digest('hex');
}

test("the suite's server and CLI helpers leave the user's data directory untouched", async () => {
  expect(loadConfig({}).dataDir).toBe(DEFAULT_DATA_DIR);
  const before = hashDataDir(DEFAULT_DATA_DIR);

  const t = await startTestServer();
  try {
    expect((await t.gql('{ importBatches { totalCount } }')).body.data).toBeDefined();
    const env = { DATABASE_URL: t.db.url };
    expect((await runCli(['api-key', 'create', '--name', 'hermetic'], { env })).code).toBe(0);
    expect((await runCli(['import', fixture('audit.ndjson')], { env })).code).toBe(0);
    expect((await runCli(['api-key', 'list'], { env })).code).toBe(0);

    // A `serve` over a database without keys writes the first admin key to its data directory: a temporary one.
    await t.db.dataSource.query('DELETE FROM api_key');
    const run = await startServe({ env });
    try {
      await run.healthy();
      expect(fs.existsSync(path.join(run.dataDir, 'api-key'))).toBe(true);
      expect(run.dataDir).not.toBe(DEFAULT_DATA_DIR);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
      fs.rmSync(run.dataDir, { recursive: true, force: true });
    }
  } finally {
    await t.close();
  }

  expect(hashDataDir(DEFAULT_DATA_DIR)).toBe(before);
});
