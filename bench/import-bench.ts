/**
 * npm run bench:import [-- --records 200000] [--rounds 1] [--csv] [--chunk 5000] [--worker-from BYTES] [--defer-from BYTES] [--db mailtrail_bench_import_<pid>]
 *
 * Loads the same generated NDJSON (bench/generate-dataset.ts, in bench/data/<records>/) three ways, each in its own
 * process (so peak RSS is per load) and a fresh store:
 *   - mailtrail: ImportService.importFile into the full model (including its ANALYZE of the grown tables);
 *   - the bare baseline: COPY of each AuditData line into one jsonb column, no index;
 *   - DuckDB: `CREATE TABLE ... AS SELECT * FROM read_json(...)` into a DuckDB file (see duckdb-side.ts).
 * With --csv the Purview CSV of the same records is imported too. With --rounds N the loads run N times, rotated
 * (so none always runs first on a busy machine), and the table shows the median time of each.
 * Prints time, records/s, peak RSS, bytes per record on disk (heap, TOAST, indexes, per table), WAL per record and
 * CPU seconds of the loader and of its PostgreSQL backends (unlike wall time, barely moved by other load on a shared
 * machine), and writes everything to bench/results/import-<records>.json.
 *
 * DATABASE_URL names the PostgreSQL server (the bench creates and finally drops its database, by default named
 * after its process id); unset, the embedded server is used. WAL is measured server-wide: other activity on the
 * server during a load counts too.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import { createDataSource } from '../src/db/data-source';
import { ImportService } from '../src/import/import-service';
import { copyValue } from '../src/import/load/copy-text';
import { benchServer } from './bench-database';
import { loadIntoDuckDb } from './duckdb-side';
import { ensureDataset } from './generate-dataset';
import { argValue, databaseCpuSampler, databaseCpuSeconds, markdownTable, tableSizes, walPosition, writeResults, type TableSize } from './measure';

type Phase = 'mailtrail-ndjson' | 'mailtrail-purview-csv' | 'jsonb-baseline' | 'duckdb';

const LABELS: Record<Phase, string> = {
  'mailtrail-ndjson': 'mailtrail: NDJSON -> full model',
  'mailtrail-purview-csv': 'mailtrail: Purview CSV -> full model',
  'jsonb-baseline': 'bare COPY into one jsonb column',
  duckdb: 'DuckDB read_json',
};

interface PhaseResult {
  phase: Phase;
  round: number;
  records: number;
  mailItemsAccessed: number;
  seconds: number;
  /** The importer's ANALYZE at the end (included in seconds). */
  analyzeSeconds: number | null;
  inputBytes: number;
  peakRssMb: number;
  /** Everything the load left on disk: PostgreSQL tables with TOAST and indexes, or the DuckDB file. */
  storeBytes: number;
  walBytes: number | null;
  /** CPU seconds of the loading process (DuckDB's threads included) and of its PostgreSQL backends. */
  cpu: { loader: number; database: number | null };
  tables: TableSize[];
  /** 1-minute load average at the end: how busy the machine was (other work slows every figure here). */
  loadAverage: number;
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

interface Loaded {
  records: number;
  mia: number;
  analyzeSeconds: number | null;
  databaseCpu: number | null;
}

async function copyIntoJsonb(file: string, url: string): Promise<Loaded> {
  const client = new Client({ connectionString: url });
  await client.connect();
  let records = 0;
  try {
    await client.query('CREATE TABLE raw_audit (data jsonb NOT NULL)');
    // Split NDJSON on newline bytes and send ~1 MB per write: the fastest plain loader (see STACK.md).
    async function* lines() {
      let rest = '';
      for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        let out = '';
        for (const line of parts) {
          if (line) {
            out += copyValue(line) + '\n';
            records++;
          }
        }
        yield out;
      }
      if (rest) {
        records++;
        yield copyValue(rest) + '\n';
      }
    }
    await pipeline(Readable.from(lines()), client.query(copyFrom('COPY raw_audit (data) FROM STDIN')));
    const databaseCpu = await databaseCpuSeconds(client);
    const [{ n }] = (await client.query("SELECT count(*)::int AS n FROM raw_audit WHERE data->>'Operation' = 'MailItemsAccessed'")).rows;
    return { records, mia: n, analyzeSeconds: null, databaseCpu };
  } finally {
    await client.end();
  }
}

async function importIntoMailtrail(file: string, url: string, measuring: Client): Promise<Loaded> {
  const dataSource = createDataSource(url, { poolSize: 4 });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
    let analyzeSeconds: number | null = null;
    // The importer logs how long its ANALYZE took; anything at warn or above goes on to stderr.
    const logStream = {
      write(line: string) {
        const entry = JSON.parse(line) as { msg?: string; ms?: number; level: number };
        if (entry.msg === 'analysed the import tables') analyzeSeconds = (entry.ms ?? 0) / 1000;
        else if (entry.level >= 40) process.stderr.write(line);
      },
    };
    // --worker-from / --defer-from (bytes) override when a file is prepared in a worker thread and when index builds
    // are deferred (the importer's defaults otherwise), to measure each on its own.
    const bytesArg = (name: string) => (argValue(process.argv, name) === undefined ? undefined : Number(argValue(process.argv, name)));
    const importer = new ImportService(dataSource, pino({ level: 'info' }, logStream), {
      chunkRecords: Number(argValue(process.argv, '--chunk') ?? 5000),
      workerFromBytes: bytesArg('--worker-from'),
      deferIndexesFromBytes: bytesArg('--defer-from'),
    });
    // Sampled throughout: the load's own connection has closed by the time importFile returns.
    const sampler = databaseCpuSampler(measuring);
    const batches = await importer.importFile(file, { orgId: 1, source: 'cli' });
    const databaseCpu = await sampler.stop();
    const failed = batches.filter((b) => b.status !== 'SUCCEEDED');
    if (failed.length) throw new Error(`import failed: ${failed.map((b) => b.error).join('; ')}`);
    const [{ n }] = await dataSource.query("SELECT count(*)::int AS n FROM audit_record r WHERE r.operation = 'MailItemsAccessed'");
    return { records: batches.reduce((s, b) => s + b.recordsInserted, 0), mia: n, analyzeSeconds, databaseCpu };
  } finally {
    await dataSource.destroy();
  }
}

/** Child process: one load into one fresh store. */
async function runPhase(phase: Phase, round: number, file: string, url: string): Promise<Omit<PhaseResult, 'loadAverage'>> {
  const inputBytes = fs.statSync(file).size;
  const base = { phase, round, inputBytes, analyzeSeconds: null };
  const cpu0 = process.cpuUsage();
  const loaderCpu = () => {
    const used = process.cpuUsage(cpu0);
    return (used.user + used.system) / 1e6;
  };
  if (phase === 'duckdb') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-bench-duckdb-'));
    try {
      const load = await loadIntoDuckDb(file, path.join(dir, 'bench.duckdb'));
      return {
        ...base,
        records: load.records,
        mailItemsAccessed: load.mailItemsAccessed,
        seconds: load.seconds,
        peakRssMb: peakRssMb(),
        storeBytes: load.fileBytes,
        walBytes: null,
        cpu: { loader: loaderCpu(), database: null },
        tables: [],
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const walBefore = await walPosition(client);
    const t0 = process.hrtime.bigint();
    const loaded = phase === 'jsonb-baseline' ? await copyIntoJsonb(file, url) : await importIntoMailtrail(file, url, client);
    const took = seconds(t0);
    const cpu = { loader: loaderCpu(), database: loaded.databaseCpu };
    const walBytes = Number((await walPosition(client)) - walBefore);
    const tables = (await tableSizes(client)).filter((t) => t.rows > 0);
    return {
      ...base,
      records: loaded.records,
      mailItemsAccessed: loaded.mia,
      seconds: took,
      analyzeSeconds: loaded.analyzeSeconds,
      peakRssMb: peakRssMb(),
      storeBytes: tables.reduce((s, t) => s + t.totalBytes, 0),
      walBytes,
      cpu,
      tables,
    };
  } finally {
    await client.end();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const perRecord = (bytes: number, records: number) => Math.round(bytes / records).toLocaleString('en-US');

function report(records: number, ndjsonBytes: number, results: PhaseResult[]): string {
  const phases = [...new Set(results.map((r) => r.phase))];
  const byPhase = (p: Phase) => results.filter((r) => r.phase === p);
  const duck = median(byPhase('duckdb').map((r) => r.seconds));
  const bare = median(byPhase('jsonb-baseline').map((r) => r.seconds));
  const rounds = Math.max(...results.map((r) => r.round)) + 1;
  const summary = phases.map((p) => {
    const rs = byPhase(p);
    const s = median(rs.map((r) => r.seconds));
    const last = rs[rs.length - 1];
    const analyze = rs.map((r) => r.analyzeSeconds).filter((x): x is number => x !== null);
    return [
      LABELS[p],
      rs.map((r) => r.seconds.toFixed(1)).join(' / '),
      Math.round(last.records / s).toLocaleString('en-US'),
      analyze.length ? median(analyze).toFixed(1) : '-',
      Math.round(Math.max(...rs.map((r) => r.peakRssMb))).toString(),
      perRecord(last.storeBytes, last.records),
      last.walBytes === null ? '-' : perRecord(median(rs.map((r) => r.walBytes!)), last.records),
      `${(s / duck).toFixed(2)}x`,
      `${(s / bare).toFixed(2)}x`,
      median(rs.map((r) => r.cpu.loader)).toFixed(1),
      last.cpu.database === null ? '-' : median(rs.map((r) => r.cpu.database!)).toFixed(1),
      rs.map((r) => r.loadAverage.toFixed(1)).join(' / '),
    ];
  });
  const tables = results
    .filter((r) => r.round === rounds - 1 && r.tables.length)
    .flatMap((r) =>
      r.tables.map((t) => [
        `${r.phase === 'jsonb-baseline' ? 'baseline' : r.phase.replace('mailtrail-', '')}: ${t.table}`,
        t.rows.toLocaleString('en-US'),
        perRecord(t.heapBytes, r.records),
        perRecord(t.toastBytes, r.records),
        `${perRecord(t.indexBytes, r.records)} (${t.indexes})`,
        perRecord(t.totalBytes, r.records),
      ]),
    );
  return (
    `\nImport benchmark: ${records.toLocaleString('en-US')} generated records, ${(ndjsonBytes / 1024 ** 2).toFixed(0)} MB NDJSON ` +
    `(${Math.round(ndjsonBytes / records)} B/line); ${rounds} round(s), rotated; ratios use median times\n\n` +
    markdownTable(['load', 'seconds (each round)', 'records/s', 'of which ANALYZE s', 'peak RSS MB', 'B/record on disk', 'WAL B/record', 'vs DuckDB', 'vs bare COPY', 'CPU s loader', 'CPU s PostgreSQL', 'load average'], summary) +
    `\n\nBytes per input record by table (last round): heap, TOAST, indexes (count), total\n\n` +
    markdownTable(['table', 'rows', 'heap', 'TOAST', 'indexes', 'total'], tables) +
    '\n'
  );
}

async function main(): Promise<void> {
  const argv = process.argv;
  const phaseArg = argValue(argv, '--phase');
  if (phaseArg) {
    const result = await runPhase(phaseArg as Phase, Number(argValue(argv, '--round')), argValue(argv, '--file')!, argValue(argv, '--url') ?? '');
    process.stdout.write(JSON.stringify({ ...result, loadAverage: os.loadavg()[0] }) + '\n');
    return;
  }
  const records = Number((argValue(argv, '--records') ?? '200000').replace(/_/g, ''));
  const rounds = Math.max(1, Number(argValue(argv, '--rounds') ?? 1));
  const withCsv = argv.includes('--csv');
  if (!Number.isInteger(records) || records <= 0) throw new Error('--records needs a positive integer');
  const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
  const manifest = await ensureDataset(records, path.resolve(argValue(argv, '--out') ?? `bench/data/${records}`), withCsv ? 'both' : 'ndjson', log);
  const files: Record<Phase, string> = {
    'mailtrail-ndjson': manifest.files!.ndjson.path,
    'mailtrail-purview-csv': manifest.files!.purviewCsv?.path ?? '',
    'jsonb-baseline': manifest.files!.ndjson.path,
    duckdb: manifest.files!.ndjson.path,
  };
  const phases: Phase[] = ['mailtrail-ndjson', 'jsonb-baseline', 'duckdb', ...(withCsv ? (['mailtrail-purview-csv'] as Phase[]) : [])];
  const server = await benchServer();
  // One per run: benchmarks of other checkouts may share the server and drop their own fixed-name database.
  const database = argValue(argv, '--db') ?? `mailtrail_bench_import_${process.pid}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`--db must be a plain lower-case identifier, got ${database}`);
  const results: PhaseResult[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[(i + round) % phases.length];
        const url = phase === 'duckdb' ? '' : await server.recreate(database);
        log(`round ${round + 1}/${rounds}: ${LABELS[phase]} ...`);
        // The same heap cap as `npm run import`: V8 otherwise grows the heap lazily although live data stays small.
        const out = execFileSync(process.execPath, ['--max-old-space-size=192', __filename, '--phase', phase, '--round', String(round), '--file', files[phase], '--url', url, ...argv.slice(2)], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
          maxBuffer: 16 << 20,
        });
        const result = JSON.parse(out.trim().split('\n').pop()!) as PhaseResult;
        log(`  ${result.seconds.toFixed(1)} s, ${Math.round(result.records / result.seconds)} records/s, ${Math.round(result.storeBytes / result.records)} B/record, load average ${result.loadAverage.toFixed(1)}`);
        results.push(result);
      }
    }
    await server.drop(database);
  } finally {
    await server.close();
  }
  process.stdout.write(report(records, manifest.files!.ndjson.bytes, results));
  const file = writeResults(`import-${records}`, { when: new Date().toISOString(), records, ndjsonBytes: manifest.files!.ndjson.bytes, rounds, host: { cpus: os.cpus().length, node: process.version }, results });
  process.stdout.write(`\nresults: ${path.relative(process.cwd(), file)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
