/** Measuring helpers shared by the benchmarks: latency percentiles, on-disk size per table, WAL, result files. */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';

export function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export interface Latency {
  /** The first call, before any warm-up. */
  first: number;
  p50: number;
  p95: number;
  runs: number;
}

/** Times `fn`: one first call, then `warmup` unmeasured calls, then `runs` measured ones (milliseconds). */
/** Times `fn`: its wall time, or the milliseconds it answers (a client that measured the call itself). */
export async function timeCalls(runs: number, warmup: number, fn: () => Promise<void | number>): Promise<Latency> {
  const once = async () => {
    const t0 = process.hrtime.bigint();
    const measured = await fn();
    return typeof measured === 'number' ? measured : Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const first = await once();
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(await once());
  ms.sort((a, b) => a - b);
  return { first, p50: percentile(ms, 50), p95: percentile(ms, 95), runs };
}

export interface TableSize {
  table: string;
  rows: number;
  /** Heap (main fork + free space and visibility maps). */
  heapBytes: number;
  toastBytes: number;
  indexBytes: number;
  indexes: number;
  totalBytes: number;
}

/** On-disk size of every user table of the current database, largest first. */
export async function tableSizes(client: Client): Promise<TableSize[]> {
  const { rows } = await client.query<{ table: string; heap: string; toast: string; idx: string; indexes: number; total: string }>(`
    SELECT c.relname AS table,
      pg_relation_size(c.oid, 'main') + pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm') AS heap,
      coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast,
      pg_indexes_size(c.oid) AS idx,
      (SELECT count(*)::int FROM pg_index i WHERE i.indrelid = c.oid) AS indexes,
      pg_total_relation_size(c.oid) AS total
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
    ORDER BY pg_total_relation_size(c.oid) DESC`);
  const sizes: TableSize[] = [];
  for (const r of rows) {
    // Exact counts: the statistics may be stale right after a load, which is what is being measured elsewhere.
    const { rows: counted } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${r.table.replace(/"/g, '""')}"`);
    sizes.push({
      table: r.table,
      rows: Number(counted[0].n),
      heapBytes: Number(r.heap),
      toastBytes: Number(r.toast),
      indexBytes: Number(r.idx),
      indexes: r.indexes,
      totalBytes: Number(r.total),
    });
  }
  return sizes;
}

/** Current WAL insert position in bytes. WAL is server-wide: other activity on the server during a load counts too. */
export async function walPosition(client: Client): Promise<bigint> {
  const { rows } = await client.query<{ lsn: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text AS lsn`);
  return BigInt(rows[0].lsn.split('.')[0]);
}

/** Writes `bench/results/<name>.json` (small: figures only) and returns its path. */
export function writeResults(name: string, data: unknown): string {
  const dir = path.resolve(__dirname, '../../bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** A Markdown table (what the benchmarks print), numbers right-aligned. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ of Linux on x86-64 and arm64 (getconf CLK_TCK)

/**
 * CPU seconds used so far by the client backends of the current database (PostgreSQL on this machine, read from
 * /proc): with process.cpuUsage() of the loader, a cost that other load on the machine barely changes. Backends
 * that already exited are not counted.
 */
/** utime + stime of a process on this machine, in clock ticks; null when /proc does not have it. */
function cpuTicks(pid: number): number | null {
  try {
    // Fields 14 and 15 (utime, stime) come after the command name, which is in parentheses and may hold spaces.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/**
 * CPU seconds of every client backend of the current database while a load runs, backends that exit midway
 * included (the importer's load connection closes before the load returns): sampled every half second, the last
 * reading of each backend kept. stop() samples once more and returns the sum (null where /proc is not readable).
 */
export function databaseCpuSampler(client: Client): { stop: () => Promise<number | null> } {
  const ticks = new Map<number, number>();
  let readable = true;
  let running: Promise<void> = Promise.resolve();
  const sample = async () => {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`,
    );
    for (const { pid } of rows) {
      const used = cpuTicks(pid);
      if (used === null) readable = false;
      else ticks.set(pid, used);
    }
  };
  const timer = setInterval(() => {
    running = running.then(sample).catch(() => undefined);
  }, 500);
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await sample();
      if (!readable) return null;
      return [...ticks.values()].reduce((a, b) => a + b, 0) / CLOCK_TICKS_PER_SECOND;
    },
  };
}

export async function databaseCpuSeconds(client: Client): Promise<number | null> {
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`,
  );
  let ticks = 0;
  for (const { pid } of rows) {
    const used = cpuTicks(pid);
    if (used === null) return null; // PostgreSQL on another machine or container
    ticks += used;
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}
