/**
 * The real `mailtrail` bin, hermetic: every run gets its own temporary data directory, a temporary working folder,
 * free ports, and none of the caller's mailtrail settings, so the suite never touches the user's `.mailtrail/`, a
 * running `npm start`, or its API key.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.join(__dirname, '../..');
export const BIN = path.join(ROOT, 'bin/mailtrail.js');

/** Settings a developer's shell may hold that must not leak into a test run. */
const USER_SETTINGS = ['MAILTRAIL_DATA_DIR', 'MAILTRAIL_API_KEY', 'PORT', 'HOST', 'EMBEDDED_PG_PORT', 'LOG_LEVEL'];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mailtrail-${prefix}-`));
  fs.chmodSync(dir, 0o755); // the embedded PostgreSQL runs as `postgres` when tests run as root
  return dir;
}

export interface CliOptions {
  /** Extra environment; '' unsets a variable (DATABASE_URL: '' means the embedded PostgreSQL). */
  env?: Record<string, string>;
  /** Data directory (default: a fresh temporary one, removed after a runCli). */
  dataDir?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** The environment a hermetic run sees: the caller's minus mailtrail settings, plus its own data dir and ports. */
export async function hermeticEnv(dataDir: string, env: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of USER_SETTINGS) delete base[name];
  const merged: NodeJS.ProcessEnv = {
    ...base,
    MAILTRAIL_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    ...env,
  };
  for (const [name, value] of Object.entries(merged)) if (value === '') delete merged[name]; // '' means unset
  return merged;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mailtrail <args>` to completion. */
export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const dataDir = opts.dataDir ?? tempDir('cli-data');
  const cwd = opts.cwd ?? tempDir('cli-cwd');
  try {
    const env = await hermeticEnv(dataDir, opts.env);
    return await new Promise<CliResult>((resolve) => {
      execFile(process.execPath, [BIN, ...args], { cwd, env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 ** 2 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  } finally {
    if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (!opts.cwd) fs.rmSync(cwd, { recursive: true, force: true });
  }
}

export interface ServeRun {
  child: ChildProcess;
  url: string;
  dataDir: string;
  output(): string;
  exited: Promise<number | null>;
  /** Waits until /healthz answers 200 (throws with the server's output if it exits or times out). */
  healthy(timeoutMs?: number): Promise<void>;
}

/** Starts `mailtrail serve` on free ports with its own data dir (kept: the caller reads its api-key file). */
export async function startServe(opts: CliOptions = {}): Promise<ServeRun> {
  const dataDir = opts.dataDir ?? tempDir('serve-data');
  const cwd = opts.cwd ?? tempDir('serve-cwd');
  const env = await hermeticEnv(dataDir, { LOG_LEVEL: 'info', ...opts.env });
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      // Its last output can be read after the exit (a race seen under load): wait for the pipes to end, but not for
      // long, since a PostgreSQL it started may still hold them open.
      const ended = Promise.all([child.stdout!, child.stderr!].map((s) => new Promise((r) => (s.readableEnded ? r(null) : s.once('end', r)))));
      void Promise.race([ended, new Promise((r) => setTimeout(r, 1_000))]).then(() => {
        if (!opts.cwd) fs.rmSync(cwd, { recursive: true, force: true });
        resolve(code);
      });
    }),
  );
  const url = `http://127.0.0.1:${env.PORT}`;
  return {
    child,
    url,
    dataDir,
    output: () => output,
    exited,
    async healthy(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
        try {
          if ((await fetch(`${url}/healthz`)).status === 200) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`server not healthy within ${timeoutMs} ms:\n${output}`);
    },
  };
}

/** The postmaster pid recorded in an embedded data directory, if any. */
export function postmasterPid(dataDir: string): number | null {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').split('\n')[0]) : null;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
