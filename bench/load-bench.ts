/**
 * Load test: the contract queries under many concurrent clients, against a real `mailtrail serve` process over
 * loopback, with /healthz probed throughout and the server's RSS sampled from /proc.
 *
 *   npm run bench:load -- [--records 200000] [--connections 50] [--duration 20] [--idle 20] [--passes 2] [--reuse] [--db mailtrail_load]
 *
 * Bounded in time: passes x (cases x duration + idle seconds), plus the one-off dataset load. Prints, per query,
 * completed requests, requests/s, p50/p95/max latency, errors (socket errors, timeouts, non-2xx), /healthz
 * p50/p95/max during that run (probed from a process of its own), and RSS over time; then RSS after each pass's
 * idle period against the post-warm-up baseline: memory that keeps growing from pass to pass is a leak.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import pino from 'pino';
import { ApiKeyStore } from '../src/api/http/auth';
import { createDataSource } from '../src/db/data-source';
import { ImportService } from '../src/import/import-service';
import { benchServer } from './bench-database';
import { generateDataset, type Manifest } from './generate-dataset';

interface Options {
  records: number;
  connections: number;
  duration: number;
  idle: number;
  passes: number;
  reuse: boolean;
  db: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { records: 200_000, connections: 50, duration: 20, idle: 20, passes: 2, reuse: false, db: 'mailtrail_load' };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    const n = () => {
      const x = Number(String(v).replace(/_/g, ''));
      if (!Number.isInteger(x) || x < 1) throw new Error(`${k} needs a positive whole number, got ${v}`);
      i++;
      return x;
    };
    if (k === '--records') o.records = n();
    else if (k === '--connections') o.connections = n();
    else if (k === '--duration') o.duration = n();
    else if (k === '--idle') o.idle = n();
    else if (k === '--passes') o.passes = n();
    else if (k === '--reuse') o.reuse = true;
    else if (k === '--db') o.db = String(argv[++i]);
    else throw new Error(`unknown argument ${k} (see the header of bench/load-bench.ts)`);
  }
  if (!/^[a-z_][a-z0-9_]*$/.test(o.db)) throw new Error(`--db must be a plain lower-case identifier, got ${o.db}`);
  return o;
}

const log = (msg: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The dataset, imported once into its own database; `--reuse` keeps a database that already holds it. */
async function prepare(o: Options, url: string, recreate: () => Promise<unknown>): Promise<Manifest> {
  if (o.reuse) {
    const c = new Client({ connectionString: url });
    await c.connect();
    const rows = await c.query('SELECT manifest FROM load_bench_meta').then((r) => r.rows, () => []);
    await c.end();
    if (rows[0]?.manifest?.records === o.records) return rows[0].manifest;
  }
  await recreate();
  const data = path.resolve('bench/data', `load-${o.records}`);
  log(`generating ${o.records} records into ${data}`);
  const manifest = await generateDataset({ out: data, format: 'ndjson', records: o.records });
  const ds = createDataSource(url, { poolSize: 4, applicationName: 'mailtrail-load-bench' });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  log('importing it');
  await new ImportService(ds, pino({ level: 'silent' }), { chunkRecords: 5000 }).importFile(manifest.files!.ndjson.path, { orgId: 1, source: 'cli' });
  await ds.query('CREATE TABLE load_bench_meta (manifest jsonb)');
  await ds.query('INSERT INTO load_bench_meta VALUES ($1)', [JSON.stringify(manifest)]);
  await ds.destroy();
  return manifest;
}

async function benchKey(url: string): Promise<string> {
  const ds = createDataSource(url, { poolSize: 1, applicationName: 'mailtrail-load-bench' });
  await ds.initialize();
  try {
    return await new ApiKeyStore(ds).create({ name: 'load bench', role: 'reader' });
  } finally {
    await ds.destroy();
  }
}

function cases(m: Manifest): { name: string; file: string; variables: Record<string, unknown> }[] {
  return [
    { name: '01 sessions of the office NAT', file: '01-sessions-by-ip.graphql', variables: { ip: m.natIp } },
    { name: '01 sessions of an attacker IP', file: '01-sessions-by-ip.graphql', variables: { ip: m.attack.clientIpSpellings[1] } },
    { name: '02 one session', file: '02-session.graphql', variables: { sessionId: m.attack.sessionId } },
    { name: '03 pivot, 3 hops', file: '03-pivot.graphql', variables: { ips: [m.attack.clientIpSpellings[0]], hops: 3 } },
    { name: '04 exposure to the attacker', file: '04-exposure.graphql', variables: { mailbox: m.attack.mailboxes[0], sessionIds: [m.attack.sessionId] } },
    { name: '05 one message', file: '05-message.graphql', variables: { id: m.sharedMessage.internetMessageId } },
    { name: '06 throttled mailboxes', file: '06-throttled-mailboxes.graphql', variables: {} },
    { name: '08 records of an app', file: '08-records-by-app.graphql', variables: { appId: m.app.clientAppId } },
    { name: '09 mailbox overview', file: '09-mailbox.graphql', variables: { upn: m.throttled.mailbox } },
  ];
}

function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** A separate process probes /healthz every 100 ms (this one is busy being the load) and reports its latencies. */
const PROBE = `
const url = process.argv[1]; const times = []; let stop = false;
process.stdin.on('data', () => (stop = true)).resume();
(async () => {
  while (!stop) {
    const t = performance.now();
    const ok = await fetch(url).then((r) => r.ok, () => false);
    times.push(ok ? performance.now() - t : -1);
    await new Promise((r) => setTimeout(r, 100));
  }
  process.stdout.write(JSON.stringify(times));
})();`;

async function probeHealth(url: string, busy: Promise<unknown>): Promise<number[]> {
  const probe = spawn(process.execPath, ['-e', PROBE, `${url}/healthz`], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  probe.stdout!.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => probe.once('exit', resolve));
  await busy.catch(() => undefined);
  probe.stdin!.end('stop');
  await exited;
  return (JSON.parse(out) as number[]).map((ms) => (ms < 0 ? Infinity : ms)).sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const pg = await benchServer();
  const url = pg.urlFor(o.db);
  const manifest = await prepare(o, url, () => pg.recreate(o.db));
  const contractDir = path.resolve(__dirname, '../../contract');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-load-'));
  const port = await freePort();
  const server = spawn(process.execPath, [path.resolve(__dirname, '../../bin/mailtrail.js'), 'serve'], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), MAILTRAIL_DATA_DIR: dataDir, LOG_LEVEL: 'error', RATE_LIMIT_PER_MINUTE: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const rss: { t: number; bytes: number; phase: string }[] = [];
  const t0 = Date.now();
  let phase = 'start';
  const sampler = setInterval(() => rss.push({ t: (Date.now() - t0) / 1000, bytes: rssOf(server.pid!), phase }), 1000);
  try {
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/healthz`).catch(() => null))?.ok) break;
      if (i > 300) throw new Error('the server did not start');
      await sleep(100);
    }
    const key = await benchKey(url);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
    const bodies = cases(manifest).map((c) => ({ ...c, body: JSON.stringify({ query: fs.readFileSync(path.join(contractDir, c.file), 'utf8'), variables: c.variables }) }));

    // Warm-up: every query once, each checked for GraphQL errors (autocannon only sees status codes).
    phase = 'warm-up';
    for (const c of bodies) {
      const answer = (await (await fetch(`${base}/graphql`, { method: 'POST', headers, body: c.body })).json()) as { errors?: unknown };
      if (answer.errors) throw new Error(`${c.name}: ${JSON.stringify(answer.errors).slice(0, 300)}`);
    }
    await sleep(2000);
    const baseline = rssOf(server.pid!);

    const rows: string[][] = [];
    const afterIdle: number[] = [];
    for (let pass = 1; pass <= o.passes; pass++) {
      for (const c of bodies) {
        phase = `${c.name} (pass ${pass})`;
        const latencies: number[] = [];
        const run = new Promise<autocannon.Result>((resolve, reject) => {
          const instance = autocannon(
            { url: `${base}/graphql`, connections: o.connections, duration: o.duration, timeout: 60, requests: [{ method: 'POST', headers, body: c.body }] },
            (error, result) => (error ? reject(error) : resolve(result)),
          );
          instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
        });
        const [result, health] = await Promise.all([run, probeHealth(base, run)]);
        latencies.sort((a, b) => a - b);
        const errors = result.errors + result.timeouts + result.non2xx;
        const row = [
          `${c.name}${o.passes > 1 ? ` #${pass}` : ''}`,
          String(latencies.length),
          (latencies.length / o.duration).toFixed(1),
          percentile(latencies, 50).toFixed(0),
          percentile(latencies, 95).toFixed(0),
          String(Math.round(latencies[latencies.length - 1] ?? NaN)),
          String(errors),
          percentile(health, 50).toFixed(1),
          percentile(health, 95).toFixed(1),
          (health[health.length - 1] ?? NaN).toFixed(1),
          mb(rssOf(server.pid!)),
        ];
        rows.push(row);
        log(row.join('  '));
      }
      phase = `idle (pass ${pass})`;
      log(`idle for ${o.idle} s`);
      await sleep(o.idle * 1000);
      afterIdle.push(rssOf(server.pid!));
    }
    const peak = Math.max(...rss.map((s) => s.bytes));

    const header = ['query', 'done', 'req/s', 'p50 ms', 'p95 ms', 'max ms', 'errors', '/healthz p50 ms', 'p95 ms', 'max ms', 'RSS after'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => `| ${r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ')} |`;
    const timeline = rss.filter((_, i) => i % 20 === 0).map((s) => `${s.t.toFixed(0)}s ${mb(s.bytes)} (${s.phase})`);
    process.stdout.write(
      `\n${manifest.records} records; ${o.connections} connections x ${o.duration} s per query, over loopback; Node ${process.version}, ${os.cpus().length} cores\n\n` +
        [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n') +
        `\n\nRSS: baseline after warm-up ${mb(baseline)}, peak ${mb(peak)}, after each pass and ${o.idle} s idle: ${afterIdle.map(mb).join(', ')} ` +
        `(last pass ${afterIdle[afterIdle.length - 1] <= afterIdle[0] * 1.1 ? 'within 10 % of the first: no growth' : 'MORE than 10 % above the first: growing'})\n` +
        `RSS every 20 s: ${timeline.join(', ')}\n`,
    );
  } finally {
    clearInterval(sampler);
    server.kill('SIGTERM');
    await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once('exit', resolve)));
    fs.rmSync(dataDir, { recursive: true, force: true });
    await pg.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
