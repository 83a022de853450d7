/**
 * A PostgreSQL cluster of a test's own, to stop and start at will: the embedded binaries (src/db/embedded.ts,
 * compiled) driven from a small helper process, because they load as ESM, which jest's module system cannot.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const EMBEDDED = path.join(__dirname, '../../dist/src/db/embedded.js');

const HELPER = `
const { startEmbeddedDatabase } = require(process.argv[1]);
const opts = JSON.parse(process.argv[2]);
const say = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
let db = null;
const start = async () => { db = await startEmbeddedDatabase(opts); say({ url: db.url }); };
const stop = async () => { if (db) await db.stop(); db = null; say({ stopped: true }); };
let queue = start();
require('node:readline').createInterface({ input: process.stdin })
  .on('line', (line) => (queue = queue.then(line === 'stop' ? stop : start).catch((e) => say({ error: e.message }))))
  .on('close', () => queue.then(stop).finally(() => process.exit(0)));
`;

export interface ThrowawayPostgres {
  url: string;
  /** Fast shutdown: every session is terminated, as in a crash-restart or an operator's restart. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Starts it if a test stopped it and failed before starting it again. */
  ensureRunning(): Promise<void>;
  /** Stops the cluster and its helper. */
  close(): Promise<void>;
}

export async function startThrowawayPostgres(dataDir: string, port: number): Promise<ThrowawayPostgres> {
  const helper = spawn(process.execPath, ['-e', HELPER, EMBEDDED, JSON.stringify({ dataDir, port })], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: helper.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<{ url?: string; stopped?: boolean; error?: string }> => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the PostgreSQL helper exited');
    const message = JSON.parse(value);
    if (message.error) throw new Error(`throwaway PostgreSQL: ${message.error}`);
    return message;
  };
  let running = true;
  const cluster: ThrowawayPostgres = {
    url: (await next()).url!,
    async stop() {
      helper.stdin!.write('stop\n');
      await next();
      running = false;
    },
    async start() {
      helper.stdin!.write('start\n');
      cluster.url = (await next()).url!;
      running = true;
    },
    async ensureRunning() {
      if (!running) await cluster.start();
    },
    async close() {
      const exited = new Promise((resolve) => helper.once('exit', resolve));
      helper.stdin!.end();
      await exited;
    },
  };
  return cluster;
}
