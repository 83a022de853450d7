/**
 * Fault injection (issue 8): a throwaway PostgreSQL cluster of our own, restarted under a running HTTP import and
 * a running CLI import, and a CLI import killed with SIGKILL. Asserted each time: the server is alive and recovers,
 * the batch states and the CLI exit codes are right, and the data is exact once the file is imported again.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { fixture } from '../support/fixtures';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres';

jest.setTimeout(240_000);

const ROOT = path.join(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/mailtrail.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** `copies` x the 39 fixture records, each copy with its own AuditData.Id: a file big enough to interrupt. */
function writeExport(file: string, copies: number): number {
  const lines = fs.readFileSync(fixture('audit.ndjson'), 'utf8').split('\n').filter(Boolean);
  const out = fs.openSync(file, 'w');
  for (let c = 0; c < copies; c++) {
    const text = lines.map((line, i) => line.replace(/"Id":"[^"]+"/, `"Id":"00000000-0000-4000-8000-${(c * 100 + i).toString(16).padStart(12, '0')}"`)).join('\n');
    fs.writeSync(out, text + '\n');
  }
  fs.closeSync(out);
  return copies * lines.length;
}

describe('faults: database restarts and killed imports', () => {
  let dir: string;
  let pgPort: number;
  let pg: ThrowawayPostgres;
  let bigFile: string;
  let bigRecords: number;

  const query = async <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  const batch = async (id: string) => (await query('SELECT * FROM import_batch WHERE id = $1', [id]))[0];
  const runningBatch = () =>
    until('a batch with records', async () => (await query(`SELECT id::text FROM import_batch WHERE status = 'RUNNING' AND records_read > 0`))[0]?.id as string);
  const restartDatabase = async () => {
    await pg.stop();
    await sleep(500);
    await pg.start();
  };
  const env = () => ({
    ...process.env,
    DATABASE_URL: pg.url,
    MAILTRAIL_DATA_DIR: path.join(dir, 'data'),
    IMPORT_CHUNK_RECORDS: '100',
    LOG_LEVEL: 'warn',
  });
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, [BIN, ...args], { env: env(), maxBuffer: 1 << 24 }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e) => ({ code: e.code as number, stdout: e.stdout as string }),
    );
  const modelIsExact = async () => {
    const [row] = await query(
      `SELECT (SELECT count(*) FROM audit_record)::int AS records, (SELECT count(DISTINCT r.record_key) FROM audit_record r)::int AS keys,
              (SELECT coalesce(sum(records_inserted), 0) FROM import_batch)::int AS inserted`,
    );
    return row;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-faults-'));
    fs.chmodSync(dir, 0o755);
    pgPort = await freePort();
    pg = await startThrowawayPostgres(path.join(dir, 'pg'), pgPort);
    bigFile = path.join(dir, 'big.ndjson');
    bigRecords = writeExport(bigFile, 400);
    expect((await cli(['migrate'])).code).toBe(0);
  });
  afterAll(async () => {
    await pg?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await pg.ensureRunning();
    await query('TRUNCATE audit_record, message_access, folder_sync, import_rejection, import_batch, session, client_ip, mailbox, folder, session_client_ip, session_mailbox, client_ip_mailbox');
  });

  test('a database restart during an HTTP import fails that import cleanly; the server stays up and recovers', async () => {
    const port = await freePort();
    const server: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
      env: { ...env(), PORT: String(port), ACCESS_LOG_FLUSH_MS: '1500' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    server.stdout!.on('data', (d) => (log += d));
    server.stderr!.on('data', (d) => (log += d));
    const url = `http://127.0.0.1:${port}`;
    try {
      await until('the server', async () => (await fetch(`${url}/healthz`)).ok);
      const key = fs.readFileSync(path.join(dir, 'data', 'api-key'), 'utf8').trim();
      const body = fs.readFileSync(bigFile);
      const upload = new Promise<{ status: number; json: any }>((resolve, reject) => {
        const req = http.request(`${url}/imports?fileName=big.ndjson`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
        });
        req.on('error', reject);
        // Slowly enough that the restart lands in the middle; the rest is still coming when the answer is given.
        void (async () => {
          for (let at = 0; at < body.length && !req.destroyed; at += 64 * 1024) {
            if (!req.write(body.subarray(at, at + 64 * 1024))) await new Promise((r) => req.once('drain', r));
            await sleep(20);
          }
          req.end();
        })();
      });
      const id = await runningBatch();
      // Answered, its access-log row waiting for its batch (ACCESS_LOG_FLUSH_MS below) when the database goes down.
      const before = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query BeforeTheRestart { __typename }' }),
      });
      expect(before.status).toBe(200);
      const answeredAt = Date.now();
      await pg.stop();
      // Liveness does not depend on the database; readiness says it is gone.
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      // A query while it is gone is the server's outage: 503 with Retry-After, for a known key and an unknown one.
      for (const bearer of [key, 'mt_not-a-key-that-is-cached']) {
        const down = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ sessions(first: 1) { totalCount } }' }),
        });
        expect(down.status).toBe(503);
        expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(((await down.json()) as any).errors[0].extensions.code).toBe('DATABASE_UNAVAILABLE');
        // The REST mirror says the same, in the same shape.
        const rest = await fetch(`${url}/api/v1/apps`, { headers: { authorization: `Bearer ${bearer}` } });
        expect(rest.status).toBe(503);
        expect(Number(rest.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(((await rest.json()) as any).errors[0].extensions.code).toBe('DATABASE_UNAVAILABLE');
      }
      // Down for long enough that the waiting row's batch (1.5 s after its answer) finds the database gone.
      await sleep(Math.max(500, 3_000 - (Date.now() - answeredAt)));
      await pg.start();

      const answer = await upload;
      expect(answer.status).toBe(422);
      expect(answer.json.batches).toHaveLength(1);
      expect(answer.json.batches[0]).toMatchObject({ id, status: 'FAILED' });
      expect(answer.json.batches[0].error).toMatch(/^Import failed: .*(terminat|shut ?down|connection)/i);
      expect(server.exitCode).toBeNull();
      await until('readiness', async () => (await fetch(`${url}/readyz`)).status === 200);

      // Recovered by itself: queries answer, and the same upload completes the data exactly.
      const again = await fetch(`${url}/imports?fileName=big.ndjson`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
      expect(again.status).toBe(200);
      const [done] = ((await again.json()) as { batches: any[] }).batches;
      const failed = await batch(id);
      expect(done).toMatchObject({ status: 'SUCCEEDED', recordsRead: bigRecords, recordsInserted: bigRecords - failed.records_inserted });
      expect(done.duplicates).toBe(failed.records_inserted);
      expect(await modelIsExact()).toEqual({ records: bigRecords, keys: bigRecords, inserted: bigRecords });
      // A row that was waiting when the database went down is written once it is back (kept and retried, not lost).
      const logged = await until('the row of the request made just before the restart', async () =>
        (await query(`SELECT route, status FROM access_log WHERE operation = 'BeforeTheRestart'`))[0],
      30_000);
      expect(logged).toEqual({ route: 'POST /graphql', status: 200 });
      expect(log).toMatch(/access log rows wait for the database/);
      expect(log).not.toMatch(/Unhandled|ECONNRESET.*\n.*at /);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once('exit', resolve)));
    }
  });

  test('a database restart during a CLI import: the file fails with its reason, the next file loads, exit 1', async () => {
    const small = path.join(dir, 'small.ndjson');
    fs.copyFileSync(fixture('overlap-a.ndjson'), small);
    const run = cli(['import', '--json', bigFile, small]);
    const id = await runningBatch();
    await restartDatabase();
    const { code, stdout } = await run;
    expect(code).toBe(1);
    const summary = JSON.parse(stdout);
    expect(summary.totals).toMatchObject({ files: 2, failedFiles: 1 });
    const [big, next] = summary.files;
    expect(big.batches[0]).toMatchObject({ id, status: 'FAILED' });
    expect(big.batches[0].error).toMatch(/^Import failed: .*(terminat|shut ?down|connection)/i);
    expect(next.batches[0]).toMatchObject({ status: 'SUCCEEDED' });

    // The re-run names the batch it completes; the data is exact.
    const rerun = await cli(['import', '--json', bigFile]);
    expect(rerun.code).toBe(0);
    const [done] = JSON.parse(rerun.stdout).files[0].batches;
    const failed = await batch(id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', recordsInserted: bigRecords - failed.records_inserted, duplicates: failed.records_inserted });
    expect(done.warnings).toContainEqual(expect.stringMatching(new RegExp(`^This import completes batch ${id} of the same file \\(same sha256\\), which failed`)));
    const [{ n }] = await query('SELECT count(*)::int AS n FROM audit_record WHERE batch_id IN ($1, $2)', [id, done.id]);
    expect(n).toBe(bigRecords);
  });

  test('a killed import is INTERRUPTED as soon as anything opens the database, and a re-run completes it', async () => {
    const child = spawn(process.execPath, [BIN, 'import', bigFile], { env: env(), stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const id = await runningBatch();
    child.kill('SIGKILL');
    await exited;
    expect((await batch(id)).status).toBe('RUNNING');
    // The dead process's session ends with it (its backend may finish a statement first).
    await until('the session of the killed import to end', async () =>
      (await query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'mailtrail' AND pid <> pg_backend_pid()`))[0].n === 0);

    expect((await cli(['migrate'])).code).toBe(0);
    const interrupted = await batch(id);
    expect(interrupted.status).toBe('FAILED');
    expect(interrupted.error).toMatch(/^INTERRUPTED: /);
    expect(interrupted.finished_at).not.toBeNull();

    const rerun = await cli(['import', '--json', bigFile]);
    expect(rerun.code).toBe(0);
    const [done] = JSON.parse(rerun.stdout).files[0].batches;
    expect(done).toMatchObject({ status: 'SUCCEEDED', recordsInserted: bigRecords - interrupted.records_inserted });
    expect(done.warnings).toContainEqual(expect.stringMatching(new RegExp(`^This import completes batch ${id} .* which was interrupted part-way`)));
    expect(await modelIsExact()).toEqual({ records: bigRecords, keys: bigRecords, inserted: bigRecords });
  });
});
