/**
 * npm run bench:import [-- --records 200000]
 *
 * Imports the same generated dataset (bench/generate-dataset.ts) from NDJSON and from a Purview CSV into the full
 * model, each in a fresh database and its own process (so peak RSS is per import), and, in the same run, COPYs the
 * same AuditData into a single jsonb table (the simplest alternative) for comparison. Prints the figures.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
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
import { generateDataset, type Manifest } from './generate-dataset';

interface PhaseResult {
  phase: string;
  records: number;
  mailItemsAccessed: number;
  seconds: number;
  bytes: number;
  peakRssMb: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Child process: one import into one fresh database. */
async function runPhase(phase: string, file: string, url: string): Promise<PhaseResult> {
  const bytes = fs.statSync(file).size;
  const started = process.hrtime.bigint();
  let records = 0;
  if (phase === 'jsonb-baseline') {
    const client = new Client({ connectionString: url });
    await client.connect();
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
    const [{ n }] = (await client.query("SELECT count(*)::int AS n FROM raw_audit WHERE data->>'Operation' = 'MailItemsAccessed'")).rows;
    await client.end();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { phase, records, mailItemsAccessed: n, seconds, bytes, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  }
  const dataSource = createDataSource(url, { poolSize: 4 });
  await dataSource.initialize();
  await dataSource.runMigrations();
  const importer = new ImportService(dataSource, pino({ level: 'warn' }), { chunkRecords: Number(process.env.IMPORT_CHUNK_RECORDS ?? 5000) });
  const t0 = process.hrtime.bigint();
  const batches = await importer.importFile(file, { orgId: 1, source: 'cli' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  records = batches.reduce((n, b) => n + b.recordsInserted, 0);
  const [{ n }] = await dataSource.query("SELECT count(*)::int AS n FROM audit_record WHERE operation = 'MailItemsAccessed'");
  await dataSource.destroy();
  return { phase, records, mailItemsAccessed: n, seconds, bytes, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function main(): Promise<void> {
  const phaseIndex = process.argv.indexOf('--phase');
  if (phaseIndex >= 0) {
    const result = await runPhase(process.argv[phaseIndex + 1], arg('--file', ''), arg('--url', ''));
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const records = Number(arg('--records', '200000'));
  const dir = path.resolve(arg('--out', `bench/data/import-${records}`));
  const manifestFile = path.join(dir, 'manifest.json');
  let manifest: Manifest | null = fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, 'utf8')) : null;
  if (!manifest || manifest.records !== records || !manifest.files?.ndjson || !manifest.files?.purviewCsv) {
    process.stderr.write(`generating ${records} records into ${dir} ...\n`);
    manifest = await generateDataset({ records, out: dir, format: 'both' });
  }
  const server = await benchServer();
  const results: PhaseResult[] = [];
  try {
    for (const [phase, file] of [
      ['ndjson', manifest.files!.ndjson.path],
      ['purview-csv', manifest.files!.purviewCsv.path],
      ['jsonb-baseline', manifest.files!.ndjson.path],
    ] as const) {
      const url = await server.recreate(`mailtrail_bench_import`);
      process.stderr.write(`${phase}: importing ${path.basename(file)} ...\n`);
      // The same heap cap as `npm run import`: V8 otherwise grows the heap lazily although live data stays small.
      const out = execFileSync(process.execPath, ['--max-old-space-size=256', __filename, '--phase', phase, '--file', file, '--url', url], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 20,
      });
      results.push(JSON.parse(out.trim().split('\n').pop()!));
    }
  } finally {
    await server.close();
  }
  const baseline = results.find((r) => r.phase === 'jsonb-baseline')!;
  const rows = results.map((r) => ({
    import: r.phase === 'jsonb-baseline' ? 'COPY AuditData into one jsonb table (baseline)' : `${r.phase} -> full model`,
    records: r.records,
    'MIA records': r.mailItemsAccessed,
    seconds: r.seconds.toFixed(1),
    'records/s': Math.round(r.records / r.seconds),
    'MIA records/s': Math.round(r.mailItemsAccessed / r.seconds),
    'MB/s': (r.bytes / 1024 ** 2 / r.seconds).toFixed(1),
    'peak RSS MB': Math.round(r.peakRssMb),
    'time vs baseline': `${(r.seconds / baseline.seconds).toFixed(2)}x`,
  }));
  process.stdout.write(`\nmailtrail import benchmark: ${records} generated records (${(manifest.files!.ndjson.bytes / 1024 ** 2).toFixed(0)} MB NDJSON)\n`);
  console.table(rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
