/**
 * Query benchmark: latency of each contract operation over HTTP against a large imported dataset.
 *
 *   npm run bench:query -- [--records 1000000] [--reuse] [--runs 30] [--warmup 3] [--diy-runs 10] [--db mailtrail_bench] [--api-only] [--only TEXT]
 *
 * --api-only loads and asks mailtrail alone (no jsonb table, no DuckDB): the 10M case, where the other two would
 * double the disk and the time. The import logs its progress (records, records/s) every 100,000 records, so a run
 * stopped early still says how far it got, and records its time and bytes per record in bench_meta and the results.
 *
 * Beside the API: the same question in plain SQL over one jsonb table of the raw AuditData (a do-it-yourself
 * baseline) and, for contract 01, 04 and 05, in DuckDB over the same NDJSON loaded with read_json.
 *
 * DATABASE_URL names the PostgreSQL server (any database on it: the bench creates its own, --db). The dataset comes
 * from bench/generate-dataset.ts (bench/data/<records>/; planted attack, throttled mailbox, app, office NAT; see its
 * manifest.json), is COPYed verbatim into raw_audit(data jsonb), loaded into DuckDB (bench/data/<records>/bench.duckdb,
 * see duckdb-side.ts) and, last, imported with ImportService.importFile, so the first calls measure mailtrail right
 * after an import, as a user would meet it (the importer's own ANALYZE included, nothing else). Each question is then
 * asked warm (--only TEXT: just the cases whose name contains TEXT). With --reuse an already loaded database with the
 * same record count is used as it is, one filled by `mailtrail import` of the same dataset too (the first calls are
 * then not "after an import"). Figures go to bench/results/query-<records>.json.
 *
 * The DIY baseline gets the indexes a careful DIY user would add (listed in DIY_INDEXES) and, for IPs, the benefit
 * of knowing every spelling in advance; it does not canonicalise message ids or IPs, so it answers slightly
 * different (less correct) questions: the times are a floor for the DIY approach, not its cost of being right.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import { ApiKeyStore } from '../src/api/http/auth';
import { startServer } from '../src/api/http/server';
import { startHttpClient } from './http-client';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { ImportService } from '../src/import/import-service';
import { duckDbQuestions, duckDbRecords, loadIntoDuckDb, openDuckDb } from './duckdb-side';
import { DEFAULT_OPTIONS, ensureDataset, type Manifest } from './generate-dataset';
import { markdownTable, timeCalls, writeResults, type Latency } from './measure';

interface Options {
  records: number;
  reuse: boolean;
  runs: number;
  warmup: number;
  diyRuns: number;
  db: string;
  data: string;
  only: string;
  apiOnly: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { records: 1_000_000, reuse: false, runs: 30, warmup: 3, diyRuns: 10, db: 'mailtrail_bench', data: '', only: '', apiOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    const n = () => {
      const x = Number(String(v).replace(/_/g, ''));
      if (!Number.isFinite(x) || x < 0) throw new Error(`${k} needs a number, got ${v}`);
      i++;
      return Math.floor(x);
    };
    if (k === '--records') o.records = n();
    else if (k === '--runs') o.runs = Math.max(1, n());
    else if (k === '--warmup') o.warmup = n();
    else if (k === '--diy-runs') o.diyRuns = Math.max(1, n());
    else if (k === '--reuse') o.reuse = true;
    else if (k === '--api-only') o.apiOnly = true;
    else if (k === '--db') { o.db = v; i++; }
    else if (k === '--data') { o.data = v; i++; }
    else if (k === '--only') { o.only = v; i++; }
    else throw new Error(`unknown argument ${k} (see the header of bench/query-bench.ts)`);
  }
  if (!/^[a-z_][a-z0-9_]*$/.test(o.db)) throw new Error(`--db must be a plain lower-case identifier, got ${o.db}`);
  o.data ||= path.resolve('bench/data', String(o.records));
  return o;
}

const DIY_INDEXES = [
  `CREATE INDEX raw_audit_session ON raw_audit ((data->>'SessionId'))`,
  `CREATE INDEX raw_audit_ip ON raw_audit ((coalesce(data->>'ClientIPAddress', data->>'ClientIP')))`,
  `CREATE INDEX raw_audit_mailbox ON raw_audit ((lower(coalesce(data->>'MailboxOwnerUPN', data->>'UserId'))))`,
  `CREATE INDEX raw_audit_app ON raw_audit ((data->>'ClientAppId'))`,
  `CREATE INDEX raw_audit_folders ON raw_audit USING gin ((data->'Folders') jsonb_path_ops)`,
];

/** The store's bytes on disk: every table of the model with its indexes and TOAST (the DIY baseline's table apart). */
const STORE_BYTES =
  "SELECT sum(pg_total_relation_size(oid))::bigint AS bytes FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname <> 'raw_audit'";
/** What the bench records about the database it loaded (or adopted): --reuse and bench:profile read it. */
const BENCH_META = 'CREATE TABLE bench_meta (records integer, manifest jsonb, import_seconds real, bytes bigint)';

const log = (msg: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

function databaseUrl(base: string, db: string): string {
  const url = new URL(base);
  url.pathname = `/${db}`;
  return url.toString();
}

async function loadedRecords(url: string, dataDir: string): Promise<number | null> {
  const c = new Client({ connectionString: url });
  try {
    await c.connect();
  } catch {
    return null;
  }
  try {
    const { rows } = await c.query(`SELECT records FROM bench_meta LIMIT 1`);
    return rows.length ? Number(rows[0].records) : null;
  } catch {
    return await adoptImportedStore(c, dataDir);
  } finally {
    await c.end();
  }
}

const duckDbFile = (o: Options) => path.join(o.data, 'bench.duckdb');

/** Loads raw_audit and DuckDB first and mailtrail last, so the first API calls come right after its import. */
async function load(o: Options, admin: string, url: string, manifest: Manifest): Promise<void> {
  const c = new Client({ connectionString: admin });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${o.db} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${o.db}`);
  await c.end();
  const file = manifest.files!.ndjson.path;
  if (!o.apiOnly) await loadOthers(o, url, file, manifest);

  const ds = createDataSource(url, { poolSize: 4, applicationName: 'mailtrail-bench-load' });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  log(`importing ${file} with ImportService.importFile`);
  const t0 = Date.now();
  let next = 100_000;
  const importer = new ImportService(ds, pino({ level: 'silent' }), { chunkRecords: loadConfig({}).importChunkRecords });
  const batches = await importer.importFile(file, {
    orgId: 1,
    source: 'cli',
    onProgress: (p) => {
      if (p.records < next) return;
      next += 100_000;
      const s = (Date.now() - t0) / 1000;
      log(`  ${p.records} records in ${s.toFixed(0)} s (${(p.records / s).toFixed(0)} records/s), load average ${os.loadavg()[0].toFixed(1)}`);
    },
  });
  const seconds = (Date.now() - t0) / 1000;
  const inserted = batches.reduce((s, b) => s + b.recordsInserted, 0);
  const [{ bytes }] = await ds.query(STORE_BYTES);
  log(`imported ${inserted} records in ${seconds.toFixed(1)} s (${(inserted / seconds).toFixed(0)} records/s); ${bytes} bytes on disk, ${(bytes / inserted).toFixed(0)} per record`);
  await ds.query(BENCH_META);
  await ds.query('INSERT INTO bench_meta VALUES ($1, $2, $3, $4)', [inserted, JSON.stringify(manifest), seconds, bytes]);
  await ds.destroy();
}

/** The do-it-yourself jsonb table and DuckDB. */
async function loadOthers(o: Options, url: string, file: string, manifest: Manifest): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  log('loading raw_audit(data jsonb) by COPY');
  const t0 = Date.now();
  await db.query('CREATE TABLE raw_audit (data jsonb NOT NULL)');
  // CSV with a quote and a delimiter that never occur: each line is one field, taken verbatim (no backslash escapes).
  const copy = db.query(copyFrom(`COPY raw_audit (data) FROM STDIN WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')`));
  await pipeline(fs.createReadStream(file), copy);
  for (const sql of DIY_INDEXES) await db.query(sql);
  await db.query('ANALYZE raw_audit');
  log(`raw_audit loaded and indexed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await db.end();

  if ((await duckDbRecords(duckDbFile(o))) !== manifest.records) {
    log(`loading ${duckDbFile(o)} with DuckDB read_json`);
    const duck = await loadIntoDuckDb(file, duckDbFile(o));
    log(`DuckDB loaded ${duck.records} records in ${duck.seconds.toFixed(1)} s`);
  }
}

// ------------------------------------------------------------------------------------------------ the questions

interface Case {
  name: string;
  file: string;
  /** An operation outside the contract (dashboard aggregates); `file` then only names it. */
  query?: string;
  variables: Record<string, unknown>;
  /** The same question in plain SQL over raw_audit; null when there is no DIY equivalent. */
  diy: { sql: string; params: unknown[] } | null;
}

const IP = `coalesce(data->>'ClientIPAddress', data->>'ClientIP')`;
const MBX = `lower(coalesce(data->>'MailboxOwnerUPN', data->>'UserId'))`;
const ACCESS = `(SELECT p->>'Value' FROM jsonb_array_elements(data->'OperationProperties') p WHERE p->>'Name' = 'MailAccessType')`;
const THROTTLED = `data->'OperationProperties' @> '[{"Name":"IsThrottled","Value":"True"}]'`;

/** Per session: summary, up to 500 bound items, synced folders (the shape of contract 01). */
const DIY_SESSIONS_OF_IP = `
WITH s AS (
  SELECT data->>'SessionId' AS sid, min(data->>'CreationTime') AS first FROM raw_audit
  WHERE ${IP} = ANY($1) AND data->>'SessionId' IS NOT NULL GROUP BY 1 ORDER BY 2 LIMIT 100
), r AS (SELECT data FROM raw_audit WHERE data->>'SessionId' IN (SELECT sid FROM s)),
items AS (
  SELECT r.data->>'SessionId' AS sid, r.data->>'CreationTime' AS t, i->>'InternetMessageId' AS mid, f->>'Path' AS path
  FROM r, jsonb_array_elements(r.data->'Folders') f, jsonb_array_elements(f->'FolderItems') i
)
SELECT s.sid,
  (SELECT json_build_object('first', min(data->>'CreationTime'), 'last', max(data->>'CreationTime'),
     'mailboxes', array_agg(DISTINCT ${MBX}), 'ips', array_agg(DISTINCT ${IP})) FROM r WHERE data->>'SessionId' = s.sid) AS summary,
  (SELECT count(DISTINCT mid) FROM items WHERE items.sid = s.sid) AS bound,
  (SELECT json_agg(x) FROM (SELECT mid, t, path FROM items WHERE items.sid = s.sid ORDER BY t LIMIT 500) x) AS accesses,
  (SELECT json_agg(json_build_object('t', data->>'CreationTime', 'path', coalesce(data#>>'{Item,ParentFolder,Path}', data#>>'{Folders,0,Path}')))
     FROM r WHERE data->>'SessionId' = s.sid AND ${ACCESS} = 'Sync') AS syncs
FROM s ORDER BY s.first`;

const DIY_SESSION = `
WITH r AS (SELECT data FROM raw_audit WHERE data->>'SessionId' = $1)
SELECT min(data->>'CreationTime'), max(data->>'CreationTime'), count(*),
  (SELECT json_agg(x) FROM (SELECT data->>'Operation' AS op, count(*) AS n FROM r GROUP BY 1 ORDER BY 2 DESC) x) AS operations,
  array_agg(DISTINCT ${MBX}) AS mailboxes, array_agg(DISTINCT data->>'UserId') AS users, array_agg(DISTINCT ${IP}) AS ips,
  array_agg(DISTINCT data->>'ClientInfoString') AS clients, array_agg(DISTINCT data->>'AppId') AS apps,
  (SELECT count(DISTINCT i->>'InternetMessageId') FROM r, jsonb_array_elements(r.data->'Folders') f, jsonb_array_elements(f->'FolderItems') i) AS bound,
  sum((data->>'OperationCount')::int) FILTER (WHERE ${ACCESS} = 'Bind') AS bind_ops,
  (SELECT json_agg(x) FROM (SELECT data->>'CreationTime' AS t, data->>'Operation' AS op FROM r ORDER BY 1 LIMIT 5) x) AS first_records
FROM r`;

const DIY_PIVOT = `
WITH RECURSIVE pairs AS MATERIALIZED (
  SELECT DISTINCT data->>'SessionId' AS sid, ${IP} AS ip FROM raw_audit WHERE data->>'SessionId' IS NOT NULL AND ${IP} IS NOT NULL
), walk(ip, hop) AS (
  SELECT unnest($1::text[]), 0
  UNION
  SELECT p2.ip, w.hop + 1 FROM walk w JOIN pairs p1 ON p1.ip = w.ip JOIN pairs p2 ON p2.sid = p1.sid WHERE w.hop < $2
)
SELECT (SELECT array_agg(DISTINCT ip) FROM walk) AS ips,
       (SELECT array_agg(DISTINCT p.sid) FROM pairs p WHERE p.ip IN (SELECT ip FROM walk WHERE hop < $2)) AS sessions`;

const DIY_EXPOSURE = `
WITH r AS (SELECT data FROM raw_audit WHERE ${MBX} = $1),
hits AS (
  SELECT r.data->>'CreationTime' AS t, i->>'InternetMessageId' AS mid, f->>'Path' AS path, r.data->>'SessionId' AS sid
  FROM r, jsonb_array_elements(r.data->'Folders') f, jsonb_array_elements(f->'FolderItems') i
  WHERE r.data->>'SessionId' = ANY($2) AND (SELECT p->>'Value' FROM jsonb_array_elements(r.data->'OperationProperties') p WHERE p->>'Name' = 'MailAccessType') = 'Bind'
)
SELECT (SELECT count(DISTINCT mid) FROM hits) AS bound,
  (SELECT sum((data->>'OperationCount')::int) FROM r WHERE data->>'SessionId' = ANY($2) AND ${ACCESS} = 'Bind') AS ops,
  (SELECT json_agg(x) FROM (SELECT mid, min(t), max(t), count(*), array_agg(DISTINCT path), array_agg(DISTINCT sid) FROM hits GROUP BY mid ORDER BY mid LIMIT 500) x) AS messages,
  (SELECT json_agg(data->>'CreationTime') FROM r WHERE data->>'SessionId' = ANY($2) AND ${ACCESS} = 'Sync') AS syncs,
  (SELECT json_agg(data->>'CreationTime') FROM r WHERE ${THROTTLED}) AS throttled_at`;

const DIY_MESSAGE = `
WITH hits AS (
  SELECT data->>'CreationTime' AS t, ${MBX} AS mailbox, data->>'SessionId' AS sid, ${IP} AS ip, f->>'Path' AS path
  FROM raw_audit, jsonb_array_elements(data->'Folders') f, jsonb_array_elements(f->'FolderItems') i
  WHERE data->'Folders' @> jsonb_build_array(jsonb_build_object('FolderItems', jsonb_build_array(jsonb_build_object('InternetMessageId', $1::text))))
    AND i->>'InternetMessageId' = $1
)
SELECT min(t), max(t), count(*), array_agg(DISTINCT mailbox),
  (SELECT json_agg(x) FROM (SELECT * FROM hits ORDER BY t LIMIT 200) x) FROM hits`;

const DIY_THROTTLED = `
SELECT ${MBX} AS mailbox, json_agg(data->>'CreationTime' ORDER BY data->>'CreationTime') AS throttled_at
FROM raw_audit WHERE ${THROTTLED} GROUP BY 1 ORDER BY 1 LIMIT 500`;

const DIY_APP = `
WITH r AS (SELECT data FROM raw_audit WHERE data->>'ClientAppId' = $1)
SELECT (SELECT count(*) FROM r),
  (SELECT json_agg(x) FROM (SELECT data->>'Id', data->>'CreationTime', data->>'Operation', ${ACCESS}, ${MBX},
     (SELECT json_agg(i->>'InternetMessageId') FROM jsonb_array_elements(data->'Folders') f, jsonb_array_elements(f->'FolderItems') i)
   FROM r ORDER BY data->>'CreationTime' LIMIT 500) x)`;

const DIY_MAILBOX = `
WITH r AS (SELECT data FROM raw_audit WHERE ${MBX} = $1)
SELECT min(data->>'CreationTime'), max(data->>'CreationTime'), count(*), max(data->>'MailboxGuid'),
  (SELECT json_agg(DISTINCT jsonb_build_object('id', f->>'Id', 'path', f->>'Path')) FROM r, jsonb_array_elements(r.data->'Folders') f) AS folders,
  (SELECT json_agg(x) FROM (SELECT data->>'SessionId' AS sid, min(data->>'CreationTime') AS first, array_agg(DISTINCT ${IP}) AS ips
     FROM r WHERE data->>'SessionId' IS NOT NULL GROUP BY 1 ORDER BY 2 LIMIT 50) x) AS sessions,
  (SELECT count(DISTINCT data->>'SessionId') FROM r) AS session_count,
  (SELECT json_agg(data->>'CreationTime') FROM r WHERE ${THROTTLED}) AS throttled_at
FROM r`;

function cases(m: Manifest): Case[] {
  const canonicalAndSpelt = (i: number) => [m.attack.clientIps[i], m.attack.clientIpSpellings[i]];
  return [
    { name: '01 sessions of an attacker IP', file: '01-sessions-by-ip.graphql', variables: { ip: m.attack.clientIpSpellings[1] }, diy: { sql: DIY_SESSIONS_OF_IP, params: [canonicalAndSpelt(1)] } },
    { name: '01 sessions of the office NAT', file: '01-sessions-by-ip.graphql', variables: { ip: m.natIp }, diy: { sql: DIY_SESSIONS_OF_IP, params: [[m.natIp]] } },
    { name: '02 one session', file: '02-session.graphql', variables: { sessionId: m.attack.sessionId }, diy: { sql: DIY_SESSION, params: [m.attack.sessionId] } },
    { name: '03 pivot, 3 hops', file: '03-pivot.graphql', variables: { ips: [m.attack.clientIpSpellings[0]], hops: 3 }, diy: { sql: DIY_PIVOT, params: [canonicalAndSpelt(0), 3] } },
    { name: '03 pivot from the office NAT', file: '03-pivot.graphql', variables: { ips: [m.natIp], hops: 3 }, diy: null },
    {
      name: '04 exposure to the attacker',
      file: '04-exposure.graphql',
      variables: { mailbox: m.attack.mailboxes[0], sessionIds: [m.attack.sessionId] },
      diy: { sql: DIY_EXPOSURE, params: [m.attack.mailboxes[0], [m.attack.sessionId]] },
    },
    { name: '05 one message', file: '05-message.graphql', variables: { id: m.sharedMessage.internetMessageId }, diy: { sql: DIY_MESSAGE, params: [m.sharedMessage.internetMessageId] } },
    { name: '06 throttled mailboxes', file: '06-throttled-mailboxes.graphql', variables: {}, diy: { sql: DIY_THROTTLED, params: [] } },
    { name: '07 import a 20-record blob', file: '07-import.graphql', variables: { content: '', fileName: 'bench-blob.json' }, diy: null },
    { name: '08 records of an app', file: '08-records-by-app.graphql', variables: { appId: m.app.clientAppId }, diy: { sql: DIY_APP, params: [m.app.clientAppId] } },
    { name: '09 mailbox overview', file: '09-mailbox.graphql', variables: { upn: m.throttled.mailbox }, diy: { sql: DIY_MAILBOX, params: [m.throttled.mailbox] } },
    { name: '10 apps of a mailbox', file: '10-apps.graphql', variables: { mailbox: m.throttled.mailbox }, diy: null },
    // Presumed exposure of a mailbox whose Outlook desktop synced folders all month (no session filter: every Sync).
    { name: '11 presumed messages of a mailbox', file: '11-presumed.graphql', variables: { mailbox: m.throttled.mailbox }, diy: null },
    { name: '12 notification list of the attack', file: '12-notification-list.graphql', variables: { mailboxes: m.attack.mailboxes, sessionIds: [m.attack.sessionId] }, diy: null },
    {
      name: '14 pivot and exposure without tagged',
      file: '14-tags.graphql',
      variables: { ips: [m.attack.clientIpSpellings[0]], apps: [], mailbox: m.attack.mailboxes[0], exclude: ['office-nat'] },
      diy: null,
    },
    {
      // Issue 12's dashboard target: a 30-day hourly series of one mailbox (720 buckets) by client IP, p95 < 200 ms.
      name: '13 activity, 30 days hourly',
      file: '13-activity.graphql',
      variables: { from: DEFAULT_OPTIONS.start + 'Z', to: new Date(Date.parse(DEFAULT_OPTIONS.start + 'Z') + 30 * 86_400_000).toISOString(), mailbox: m.throttled.mailbox },
      diy: null,
    },
    {
      // The same window as a top-N table: which client IPs of the mailbox bound the most messages.
      name: '13 activityTop by client IP, 30 days',
      file: 'activityTop',
      query: 'query($from: DateTime!, $to: DateTime!, $mailbox: String) { activityTop(groupBy: CLIENT_IP, from: $from, to: $to, mailbox: $mailbox, first: 10) { key messages records firstSeen lastSeen } }',
      variables: { from: DEFAULT_OPTIONS.start + 'Z', to: new Date(Date.parse(DEFAULT_OPTIONS.start + 'Z') + 30 * 86_400_000).toISOString(), mailbox: m.throttled.mailbox },
      diy: null,
    },
    {
      // The whole organisation's series, the baseline of the COUNTRY case below (same records, keys from a column).
      name: '13 activity by client IP, 30 days hourly, all mailboxes',
      file: 'activity-client-ip',
      query: 'query($from: DateTime!, $to: DateTime!) { activity(interval: HOUR, from: $from, to: $to, groupBy: CLIENT_IP, top: 5) { key buckets { start records messages } } }',
      variables: { from: DEFAULT_OPTIONS.start + 'Z', to: new Date(Date.parse(DEFAULT_OPTIONS.start + 'Z') + 30 * 86_400_000).toISOString() },
      diy: null,
    },
    {
      // Grouped by a dimension with thousands of values: the top groups are picked before messages are counted.
      name: '13 activity by mailbox, 30 days hourly, all mailboxes',
      file: 'activity-mailbox',
      query: 'query($from: DateTime!, $to: DateTime!) { activity(interval: HOUR, from: $from, to: $to, groupBy: MAILBOX, top: 5) { key buckets { start records messages } } }',
      variables: { from: DEFAULT_OPTIONS.start + 'Z', to: new Date(Date.parse(DEFAULT_OPTIONS.start + 'Z') + 30 * 86_400_000).toISOString() },
      diy: null,
    },
    {
      // A top-N table over ~110,000 sessions at 1M (it ran into the 30 s statement timeout before the tenth session).
      name: '13 activityTop by session, 30 days, all mailboxes',
      file: 'activityTop-session',
      query: 'query($from: DateTime!, $to: DateTime!) { activityTop(groupBy: SESSION, from: $from, to: $to, first: 10) { key messages records firstSeen lastSeen } }',
      variables: { from: DEFAULT_OPTIONS.start + 'Z', to: new Date(Date.parse(DEFAULT_OPTIONS.start + 'Z') + 30 * 86_400_000).toISOString() },
      diy: null,
    },
    {
      // COUNTRY reads the window's addresses once and keys them with the offline tables before the series.
      name: '13 activity by country, 30 days hourly, all mailboxes',
      file: 'activity-country',
      query: 'query($from: DateTime!, $to: DateTime!) { activity(interval: HOUR, from: $from, to: $to, groupBy: COUNTRY, top: 5) { key buckets { start records messages } } }',
      variables: { from: DEFAULT_OPTIONS.start + 'Z', to: new Date(Date.parse(DEFAULT_OPTIONS.start + 'Z') + 30 * 86_400_000).toISOString() },
      diy: null,
    },
  ];
}

/** A Management Activity API blob of the first 20 records of the dataset (duplicates after the first run). */
function smallBlob(file: string): string {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(256 * 1024);
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  fs.closeSync(fd);
  const lines = buf.subarray(0, n).toString('utf8').split('\n').slice(0, 20);
  return `[${lines.join(',')}]`;
}

interface CaseResult {
  name: string;
  statements: number;
  api: Latency;
  jsonb: Latency | null;
  duckdb: Latency | null;
}

/**
 * A store this bench did not load (`mailtrail import` of the same dataset) has no bench_meta: when it holds exactly the
 * dataset's record count, the dataset's manifest is recorded for it (import time unknown), so --reuse and bench:profile
 * can use it. Anything else is not adopted (null: the bench loads the database itself).
 */
async function adoptImportedStore(c: Client, dataDir: string): Promise<number | null> {
  const file = path.join(dataDir, 'manifest.json');
  if (!fs.existsSync(file)) return null;
  const manifest: Manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  const counted = await c.query('SELECT count(*)::int AS n FROM audit_record').then((r) => Number(r.rows[0].n), () => null);
  if (counted !== manifest.records) return null;
  const [{ bytes }] = (await c.query(STORE_BYTES)).rows;
  await c.query(BENCH_META);
  await c.query('INSERT INTO bench_meta VALUES ($1, $2, NULL, $3)', [counted, JSON.stringify(manifest), bytes]);
  log(`adopting a store imported by other means: ${counted} records, the manifest of ${dataDir} (bench_meta written)`);
  return counted;
}

const ms = (x: number) => x.toFixed(1);
const cells = (l: Latency | null) => (l ? [ms(l.first), ms(l.p50), ms(l.p95)] : ['n/a', 'n/a', 'n/a']);

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const admin = process.env.DATABASE_URL;
  if (!admin) throw new Error('Set DATABASE_URL to a PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/postgres).');
  const url = databaseUrl(admin, o.db);

  const already = o.reuse ? await loadedRecords(url, o.data) : null;
  let manifest: Manifest;
  const reused = already !== null && already >= o.records * 0.99;
  if (reused) {
    log(`reusing ${o.db} (${already} records)`);
    const c = new Client({ connectionString: url });
    await c.connect();
    manifest = (await c.query('SELECT manifest FROM bench_meta')).rows[0].manifest;
    await c.end();
    if (!o.apiOnly && (await duckDbRecords(duckDbFile(o))) !== manifest.records) {
      log(`loading ${duckDbFile(o)} with DuckDB read_json`);
      await loadIntoDuckDb((await ensureDataset(o.records, o.data, 'ndjson', log)).files!.ndjson.path, duckDbFile(o));
    }
  } else {
    manifest = await ensureDataset(o.records, o.data, 'ndjson', log);
    await load(o, admin, url, manifest);
  }

  // The server's JIT setting as `mailtrail serve` has it (DATABASE_JIT from the environment, off by default).
  const config = { ...loadConfig({ DATABASE_URL: url, RATE_LIMIT_PER_MINUTE: '0', DATABASE_JIT: process.env.DATABASE_JIT ?? '' }), port: 0, host: '127.0.0.1' };
  const dataSource = createDataSource(url, { poolSize: 10, applicationName: 'mailtrail-bench', jit: config.databaseJit });
  await dataSource.initialize();
  // A database loaded by an earlier checkout is brought to the current schema, as `mailtrail migrate` would.
  await dataSource.runMigrations({ transaction: 'each' });
  const [meta] = await dataSource.query("SELECT to_jsonb(m) - 'manifest' AS load FROM bench_meta m");
  const server = await startServer({ config, dataSource, logger: pino({ level: 'silent' }) });
  const key = await new ApiKeyStore(dataSource).create({ name: 'query bench', role: 'admin' });
  // The client runs in a worker thread, as a separate process would (http-client.ts).
  const client = await startHttpClient();
  const contractDir = path.resolve(__dirname, '../../contract');
  const diyDb = o.apiOnly ? null : new Client({ connectionString: url });
  await diyDb?.connect();
  const duck = o.apiOnly ? null : await openDuckDb(duckDbFile(o));
  const duckSql = o.apiOnly ? {} : duckDbQuestions(manifest);

  const results: CaseResult[] = [];
  for (const c of cases(manifest).filter((x) => x.name.includes(o.only))) {
    if (c.file === '07-import.graphql') c.variables.content = smallBlob(manifest.files!.ndjson.path);
    const query = c.query ?? fs.readFileSync(path.join(contractDir, c.file), 'utf8');
    const body = JSON.stringify({ query, variables: c.variables });
    let statements = 0;
    const counter = dataSource.logger as unknown as { count: number };
    const ask = async () => {
      const before = counter.count;
      const answer = await client.post(`${server.url}/graphql`, { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body);
      if (answer.errors) throw new Error(`${c.name}: ${answer.errors.slice(0, 500)}`);
      statements = counter.count - before;
      return answer.ms;
    };
    const api = await timeCalls(o.runs, o.warmup, ask);
    const diy = c.diy;
    const jsonb = diy && diyDb ? await timeCalls(o.diyRuns, 1, async () => void (await diyDb.query(diy.sql, diy.params))) : null;
    const sql = (duckSql as Record<string, string>)[c.name];
    const duckdb = sql && duck ? await timeCalls(o.diyRuns, 1, async () => void (await duck.db.runAndReadAll(sql))) : null;
    const result = { name: c.name, statements, api, jsonb, duckdb };
    results.push(result);
    log([c.name, ...cells(api), String(statements), ...cells(jsonb), ...cells(duckdb)].join('  '));
  }
  duck?.close();
  await diyDb?.end();
  await client.close();
  await server.stop();
  await dataSource.destroy();

  const header = ['query', 'API first', 'API p50', 'API p95', 'SQL stmts', 'jsonb first', 'jsonb p50', 'jsonb p95', 'DuckDB first', 'DuckDB p50', 'DuckDB p95'];
  const rows = results.map((r) => [r.name, ...cells(r.api), String(r.statements), ...cells(r.jsonb), ...cells(r.duckdb)]);
  process.stdout.write(
    `\n${manifest.records} records (${o.db}), milliseconds. "first": the first call ${reused ? 'on a reused database (not right after an import)' : 'right after the import'}; ` +
      `p50/p95: API over HTTP ${o.runs} runs after ${o.warmup} warm-up, jsonb and DuckDB ${o.diyRuns} runs after 1\n` +
      `DIY jsonb indexes: ${DIY_INDEXES.map((s) => s.replace(/^CREATE INDEX \w+ ON raw_audit /, '')).join('; ')}\n\n` +
      markdownTable(header, rows) +
      '\n',
  );
  // A partial run (--only) keeps the full run's file.
  const file = writeResults(`query-${manifest.records}${o.only ? `-only-${o.only.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}` : ''}`, {
    when: new Date().toISOString(),
    records: manifest.records,
    database: o.db,
    afterImport: !reused,
    load: meta?.load ?? null,
    loadAverage: os.loadavg(),
    options: o,
    results,
  });
  process.stdout.write(`\nresults: ${path.relative(process.cwd(), file)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
