/**
 * The README's start command on a machine without DATABASE_URL: the real CLI, starting the embedded PostgreSQL from
 * nothing, supervising it (a killed postmaster comes back and the API recovers), stopping it on every signal,
 * surviving a kill -9 of the previous run, and saying clearly when its port is taken.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { alive, freePort, postmasterPid, startServe, tempDir, type ServeRun } from '../support/cli';

/** Exit code 0, or a failure that shows what the server printed (a shutdown that went wrong says why there). */
async function expectCleanExit(run: ServeRun): Promise<void> {
  const exit = await run.exited;
  if (exit !== 0) throw new Error(`the server exited with ${exit}; its output:\n${run.output()}`);
}

const EMBEDDED = { DATABASE_URL: '' };

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

async function countBatches(run: ServeRun): Promise<unknown> {
  const key = fs.readFileSync(path.join(run.dataDir, 'api-key'), 'utf8').trim();
  const res = await fetch(`${run.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ importBatches { totalCount } }' }),
  });
  return res.json();
}

describe('mailtrail serve with no DATABASE_URL (embedded PostgreSQL)', () => {
  const dataDir = tempDir('embedded');
  let env: Record<string, string>;

  beforeAll(async () => {
    env = { ...EMBEDDED, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()) };
  });

  afterAll(() => {
    const pid = postmasterPid(dataDir);
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('starts from nothing: initialises the database, migrates, writes an API key and serves GraphQL', async () => {
    const run = await startServe({ dataDir, env });
    try {
      await run.healthy();
      expect(await countBatches(run)).toEqual({ data: { importBatches: { totalCount: 0 } } });
    } finally {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  });

  test('comes back after a kill -9 of the previous run left its PostgreSQL running', async () => {
    const stale = postmasterPid(dataDir);
    expect(stale && alive(stale)).toBeTruthy();
    const run = await startServe({ dataDir, env });
    try {
      await run.healthy();
      expect(run.output()).toMatch(/left running by a previous run/);
    } finally {
      run.child.kill('SIGTERM');
      await expectCleanExit(run);
    }
    // A graceful stop takes the embedded PostgreSQL down with it.
    const pid = postmasterPid(dataDir);
    expect(pid === null || !alive(pid)).toBe(true);
  });

  test('restarts its PostgreSQL when the postmaster dies, and the API recovers by itself; SIGTERM stops both', async () => {
    const run = await startServe({ dataDir, env });
    try {
      await run.healthy();
      const first = postmasterPid(dataDir)!;
      process.kill(first, 'SIGKILL');
      await waitFor(() => !alive(first), 5_000);
      const recovered = await waitFor(async () => {
        const pid = postmasterPid(dataDir);
        if (!pid || pid === first || !alive(pid)) return false;
        const body = (await countBatches(run).catch(() => null)) as { data?: unknown } | null;
        return Boolean(body?.data);
      }, 20_000);
      expect(recovered).toBe(true);
      expect(run.output()).toMatch(/stopped unexpectedly .*restarting it/);
      expect(run.output()).toMatch(/running again/);
    } finally {
      run.child.kill('SIGTERM');
      await expectCleanExit(run);
    }
    const pid = postmasterPid(dataDir);
    expect(pid === null || !alive(pid)).toBe(true);
  });

  test.each(['SIGINT', 'SIGHUP'] as const)('%s to the node process alone stops the embedded PostgreSQL too', async (signal) => {
    const run = await startServe({ dataDir, env });
    let pid: number | null = null;
    try {
      await run.healthy();
      pid = postmasterPid(dataDir);
      expect(pid && alive(pid)).toBeTruthy();
    } finally {
      run.child.kill(signal);
      await expectCleanExit(run);
    }
    expect(await waitFor(() => !alive(pid!), 5_000)).toBe(true);
  });

  test('a signal while it is still starting leaves no PostgreSQL behind', async () => {
    const fresh = tempDir('embedded-starting');
    try {
      const run = await startServe({ dataDir: fresh, env: { ...EMBEDDED, EMBEDDED_PG_PORT: String(await freePort()) } });
      // Right after the postmaster is up, before migrations and the HTTP server.
      expect(await waitFor(() => postmasterPid(fresh) !== null || run.child.exitCode !== null, 30_000)).toBe(true);
      const pid = postmasterPid(fresh)!;
      run.child.kill('SIGTERM');
      await expectCleanExit(run);
      expect(await waitFor(() => !alive(pid), 5_000)).toBe(true);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });

  test('says clearly what is wrong when its port is taken', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const run = await startServe({ dataDir, env: { ...env, EMBEDDED_PG_PORT: String(taken) } });
      expect(await run.exited).not.toBe(0);
      expect(run.output()).toContain(`port ${taken} on 127.0.0.1 is already in use`);
      expect(run.output()).toContain('EMBEDDED_PG_PORT');
    } finally {
      blocker.close();
    }
  });
});
