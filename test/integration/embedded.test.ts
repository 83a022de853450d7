/**
 * The README's start command on a machine without DATABASE_URL: the real CLI, starting the embedded PostgreSQL from
 * nothing, surviving a kill -9 of the previous run, and saying clearly when its port is taken.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function serve(env: Record<string, string>): Run {
  const { DATABASE_URL: _omit, ...rest } = process.env;
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/mailtrail.js'), 'serve'], {
    cwd: ROOT,
    env: { ...rest, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitHealthy(url: string, run: Run, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (run.child.exitCode !== null) throw new Error(`server exited early:\n${run.output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server not healthy within ${timeoutMs} ms:\n${run.output()}`);
}

function postmasterPid(dataDir: string): number | null {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').split('\n')[0]) : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('mailtrail serve with no DATABASE_URL (embedded PostgreSQL)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-embedded-'));
  fs.chmodSync(dataDir, 0o755);
  let env: Record<string, string>;
  let url: string;

  beforeAll(async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    env = { MAILTRAIL_DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort) };
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(() => {
    const pid = postmasterPid(dataDir);
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('starts from nothing: initialises the database, migrates, writes an API key and serves GraphQL', async () => {
    const run = serve(env);
    try {
      await waitHealthy(url, run);
      const key = fs.readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim();
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ importBatches { totalCount } }' }),
      });
      expect(await res.json()).toEqual({ data: { importBatches: { totalCount: 0 } } });
    } finally {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  });

  test('comes back after a kill -9 of the previous run left its PostgreSQL running', async () => {
    const stale = postmasterPid(dataDir);
    expect(stale && alive(stale)).toBeTruthy();
    const run = serve(env);
    try {
      await waitHealthy(url, run);
      expect(run.output()).toMatch(/left running by a previous run/);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    }
    // A graceful stop takes the embedded PostgreSQL down with it.
    const pid = postmasterPid(dataDir);
    expect(pid === null || !alive(pid)).toBe(true);
  });

  test('says clearly what is wrong when its port is taken', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const run = serve({ ...env, EMBEDDED_PG_PORT: String(taken) });
      expect(await run.exited).not.toBe(0);
      expect(run.output()).toContain(`port ${taken} on 127.0.0.1 is already in use`);
      expect(run.output()).toContain('EMBEDDED_PG_PORT');
    } finally {
      blocker.close();
    }
  });
});
