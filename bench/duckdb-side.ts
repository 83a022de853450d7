/**
 * The DuckDB side of the benchmarks: the same generated NDJSON loaded with `read_json`, and the same questions
 * asked in DuckDB SQL, shaped like the DIY jsonb SQL of query-bench.ts (every case that has one).
 *
 * `sample_size = -1` makes read_json infer the schema from the whole file: with the default sample (20,480 records)
 * a rare key seen later (ClientIP, Parameters) aborts the load. That second pass over the file is part of the cost.
 * DuckDB keeps parsed columns, not the records' bytes: it is a speed and size reference, not an evidence store.
 */
import fs from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Manifest } from './generate-dataset';

export interface DuckDbLoad {
  seconds: number;
  records: number;
  mailItemsAccessed: number;
  fileBytes: number;
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const sqlList = (xs: string[]): string => `[${xs.map(sqlString).join(', ')}]`;

/** Creates `dbFile` afresh and loads `ndjson` into table `audit`; the file size is measured after a CHECKPOINT. */
export async function loadIntoDuckDb(ndjson: string, dbFile: string): Promise<DuckDbLoad> {
  for (const f of [dbFile, `${dbFile}.wal`]) fs.rmSync(f, { force: true });
  const instance = await DuckDBInstance.create(dbFile);
  const db = await instance.connect();
  try {
    const t0 = process.hrtime.bigint();
    await db.run(`CREATE TABLE audit AS SELECT * FROM read_json(${sqlString(ndjson)}, format = 'newline_delimited', sample_size = -1)`);
    await db.run('CHECKPOINT');
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const [row] = (await db.runAndReadAll(`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE Operation = 'MailItemsAccessed')::INTEGER AS mia FROM audit`)).getRowObjects();
    return { seconds, records: Number(row.n), mailItemsAccessed: Number(row.mia), fileBytes: fs.statSync(dbFile).size };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

export async function openDuckDb(dbFile: string): Promise<{ db: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(dbFile, { access_mode: 'READ_ONLY' });
  const db = await instance.connect();
  return {
    db,
    close() {
      db.closeSync();
      instance.closeSync();
    },
  };
}

/** Number of records in an existing DuckDB bench file, or null. */
export async function duckDbRecords(dbFile: string): Promise<number | null> {
  if (!fs.existsSync(dbFile)) return null;
  try {
    const { db, close } = await openDuckDb(dbFile);
    try {
      return Number((await db.runAndReadAll('SELECT count(*)::INTEGER AS n FROM audit')).getRowObjects()[0].n);
    } finally {
      close();
    }
  } catch {
    return null;
  }
}

const IP = `coalesce(ClientIPAddress, ClientIP)`;
const MBX = `lower(coalesce(MailboxOwnerUPN, UserId))`;
const ACCESS = `list_filter(OperationProperties, p -> p.Name = 'MailAccessType')[1].Value`;
const THROTTLED = `list_contains(OperationProperties, {'Name': 'IsThrottled', 'Value': 'True'})`;

/** Contract 01: per session of the IP, its summary, up to 500 bound items and its synced folders. */
function sessionsOfIp(spellings: string[]): string {
  return `
WITH s AS (
  SELECT SessionId AS sid, min(CreationTime) AS first FROM audit
  WHERE ${IP} IN (SELECT unnest(${sqlList(spellings)})) AND SessionId IS NOT NULL GROUP BY 1 ORDER BY 2 LIMIT 100
), r AS (SELECT * FROM audit WHERE SessionId IN (SELECT sid FROM s)),
fo AS (SELECT SessionId AS sid, CreationTime AS t, unnest(Folders) AS f FROM r),
items AS (SELECT sid, t, f.Path AS path, unnest(f.FolderItems).InternetMessageId AS mid FROM fo)
SELECT s.sid,
  (SELECT {'first': min(CreationTime), 'last': max(CreationTime), 'mailboxes': list(DISTINCT ${MBX}), 'ips': list(DISTINCT ${IP})}
     FROM r WHERE r.SessionId = s.sid) AS summary,
  (SELECT count(DISTINCT mid) FROM items WHERE items.sid = s.sid) AS bound,
  (SELECT list(x) FROM (SELECT mid, t, path FROM items WHERE items.sid = s.sid ORDER BY t LIMIT 500) x) AS accesses,
  (SELECT list({'t': CreationTime, 'path': coalesce(Item.ParentFolder.Path, Folders[1].Path)}) FROM r WHERE r.SessionId = s.sid AND ${ACCESS} = 'Sync') AS syncs
FROM s ORDER BY s.first`;
}

/** Contract 04: what the given sessions bound in one mailbox, per message, with syncs and throttling. */
function exposure(mailbox: string, sessionIds: string[]): string {
  const inSessions = `SessionId::VARCHAR IN (SELECT unnest(${sqlList(sessionIds)}))`;
  return `
WITH r AS (SELECT * FROM audit WHERE ${MBX} = ${sqlString(mailbox.toLowerCase())}),
fo AS (SELECT CreationTime AS t, SessionId::VARCHAR AS sid, unnest(Folders) AS f FROM r WHERE ${inSessions} AND ${ACCESS} = 'Bind'),
hits AS (SELECT t, sid, f.Path AS path, unnest(f.FolderItems).InternetMessageId AS mid FROM fo)
SELECT (SELECT count(DISTINCT mid) FROM hits) AS bound,
  (SELECT sum(OperationCount) FROM r WHERE ${inSessions} AND ${ACCESS} = 'Bind') AS ops,
  (SELECT list(x) FROM (SELECT mid, min(t), max(t), count(*), list(DISTINCT path), list(DISTINCT sid) FROM hits GROUP BY mid ORDER BY mid LIMIT 500) x) AS messages,
  (SELECT list(CreationTime) FROM r WHERE ${inSessions} AND ${ACCESS} = 'Sync') AS syncs,
  (SELECT list(CreationTime) FROM r WHERE ${THROTTLED}) AS throttled_at`;
}

/** Contract 05: where else one message was read. */
function message(id: string): string {
  const mids = (f: string) => `list_transform(${f}.FolderItems, i -> i.InternetMessageId)`;
  return `
WITH fo AS (
  SELECT CreationTime AS t, ${MBX} AS mailbox, SessionId AS sid, ${IP} AS ip, unnest(Folders) AS f FROM audit
  WHERE list_contains(flatten(list_transform(Folders, f -> ${mids('f')})), ${sqlString(id)})
), hits AS (SELECT t, mailbox, sid, ip, f.Path AS path FROM fo WHERE list_contains(${mids('f')}, ${sqlString(id)}))
SELECT min(t), max(t), count(*), list(DISTINCT mailbox), (SELECT list(x) FROM (SELECT * FROM hits ORDER BY t LIMIT 200) x) FROM hits`;
}

const MESSAGE_IDS = `flatten(list_transform(Folders, f -> list_transform(f.FolderItems, i -> i.InternetMessageId)))`;

/** Contract 02: one session's summary. */
function session(sessionId: string): string {
  return `
WITH r AS (SELECT * FROM audit WHERE SessionId = ${sqlString(sessionId)})
SELECT min(CreationTime), max(CreationTime), count(*),
  (SELECT list(x) FROM (SELECT Operation AS op, count(*) AS n FROM r GROUP BY 1 ORDER BY 2 DESC) x) AS operations,
  list(DISTINCT ${MBX}) AS mailboxes, list(DISTINCT UserId) AS users, list(DISTINCT ${IP}) AS ips,
  list(DISTINCT ClientInfoString) AS clients, list(DISTINCT AppId) AS apps,
  (SELECT count(DISTINCT mid) FROM (SELECT unnest(${MESSAGE_IDS}) AS mid FROM r)) AS bound,
  sum(OperationCount) FILTER (WHERE ${ACCESS} = 'Bind') AS bind_ops,
  (SELECT list(x) FROM (SELECT CreationTime AS t, Operation AS op FROM r ORDER BY 1 LIMIT 5) x) AS first_records
FROM r`;
}

/** Contract 03: IPs and sessions reachable from the given IPs through shared sessions. */
function pivot(spellings: string[], hops: number): string {
  return `
WITH RECURSIVE pairs AS MATERIALIZED (
  SELECT DISTINCT SessionId AS sid, ${IP} AS ip FROM audit WHERE SessionId IS NOT NULL AND ${IP} IS NOT NULL
), walk(ip, hop) AS (
  SELECT unnest(${sqlList(spellings)}), 0
  UNION
  SELECT p2.ip, w.hop + 1 FROM walk w JOIN pairs p1 ON p1.ip = w.ip JOIN pairs p2 ON p2.sid = p1.sid WHERE w.hop < ${hops}
)
SELECT (SELECT list(DISTINCT ip) FROM walk) AS ips,
       (SELECT list(DISTINCT p.sid) FROM pairs p WHERE p.ip IN (SELECT ip FROM walk WHERE hop < ${hops})) AS sessions`;
}

const THROTTLED_MAILBOXES = `
SELECT ${MBX} AS mailbox, list(CreationTime ORDER BY CreationTime) AS throttled_at
FROM audit WHERE ${THROTTLED} GROUP BY 1 ORDER BY 1 LIMIT 500`;

/** Contract 08: the records of an application. */
function recordsOfApp(appId: string): string {
  return `
WITH r AS (SELECT * FROM audit WHERE ClientAppId = ${sqlString(appId)})
SELECT (SELECT count(*) FROM r),
  (SELECT list(x) FROM (SELECT Id, CreationTime, Operation, ${ACCESS} AS access, ${MBX} AS mailbox, ${MESSAGE_IDS} AS messages
     FROM r ORDER BY CreationTime LIMIT 500) x)`;
}

/** Contract 09: one mailbox's overview. */
function mailbox(upn: string): string {
  return `
WITH r AS (SELECT * FROM audit WHERE ${MBX} = ${sqlString(upn.toLowerCase())})
SELECT min(CreationTime), max(CreationTime), count(*), max(MailboxGuid),
  (SELECT list(DISTINCT {'id': f.Id, 'path': f.Path}) FROM (SELECT unnest(Folders) AS f FROM r)) AS folders,
  (SELECT list(x) FROM (SELECT SessionId AS sid, min(CreationTime) AS first, list(DISTINCT ${IP}) AS ips
     FROM r WHERE SessionId IS NOT NULL GROUP BY 1 ORDER BY 2 LIMIT 50) x) AS sessions,
  (SELECT count(DISTINCT SessionId) FROM r) AS session_count,
  (SELECT list(CreationTime) FROM r WHERE ${THROTTLED}) AS throttled_at
FROM r`;
}

/** DuckDB SQL for the benchmark cases it answers, by case name (see cases() in query-bench.ts). */
export function duckDbQuestions(m: Manifest): Record<string, string> {
  return {
    '01 sessions of an attacker IP': sessionsOfIp([m.attack.clientIps[1], m.attack.clientIpSpellings[1]]),
    '01 sessions of the office NAT': sessionsOfIp([m.natIp]),
    '02 one session': session(m.attack.sessionId),
    '03 pivot, 3 hops': pivot([m.attack.clientIps[0], m.attack.clientIpSpellings[0]], 3),
    '04 exposure to the attacker': exposure(m.attack.mailboxes[0], [m.attack.sessionId]),
    '05 one message': message(m.sharedMessage.internetMessageId),
    '06 throttled mailboxes': THROTTLED_MAILBOXES,
    '08 records of an app': recordsOfApp(m.app.clientAppId),
    '09 mailbox overview': mailbox(m.throttled.mailbox),
  };
}
