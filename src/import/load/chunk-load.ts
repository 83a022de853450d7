/**
 * Loads one planned chunk into the model inside the caller's transaction. This is where a Bind record's
 * FolderItems become MessageAccess rows and a Sync record becomes FolderSync rows.
 *
 * Only records whose key is not stored yet are written, so re-importing adds nothing. Shared rows (mailboxes,
 * sessions, IPs, folders, who-used-what links) are upserted set-wise with their counters, their ids come back in
 * the same statement (bound messages too, in the message dictionary), and the records, message accesses and folder
 * syncs then go in by COPY with those ids.
 * Loads of one organisation are serialised by an advisory lock: concurrent imports of overlapping data neither
 * duplicate nor deadlock, while their reading and parsing still run in parallel.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sql, type Sql } from '../../db/sql';
import { epochMsArray, epochMsSql, plainArray } from '../../db/plain-array';
import { packEvidence, withRecordIds, type PackedTexts } from '../../evidence/blocks';
import { dictionaryKeyHash, exchangeOnlineParts, storedGuid, storedItemId, storedOperation, storedRecordKey } from '../normalize';
import { copyRow } from './copy-text';
import { copyEvidenceBlocks } from './copy-evidence';
import { appKey } from '../normalize/app-identity';
import { linkActivity, planChunk, storedRawAddress, storedUserId, verbatimAddress, type Activity, type StagedRecord } from './chunk-plan';
import { resolveIdentities, type ResolvedRecord } from './record-identity';
import { countNewAppMessages, MESSAGE_INDEX } from './app-message-counts';
import { SESSION_COUNTS_STALE } from './session-counts';
import type { MessageKeyTable } from './message-key-table';

export const LOAD_LOCK_CLASS = 0x6d61696c; // "mail"

/**
 * `n` new ids of a table's identity, for rows written by COPY. The sequence is looked up once per statement (an
 * InitPlan): called per row, pg_get_serial_sequence was 2.6 µs of each id, 0.5 s of PostgreSQL per 200,000 records
 * (PERFORMANCE.md, eighth session).
 */
export async function nextIds(client: PoolClient, table: 'audit_record' | 'message_detail' | 'message', n: number): Promise<string[]> {
  if (n === 0) return [];
  const { rows } = await client.query(
    `SELECT nextval((SELECT pg_get_serial_sequence('${table}', 'id')::regclass))::text AS id FROM generate_series(1, $1)`,
    [n],
  );
  return rows.map((r: { id: string }) => r.id);
}

/** Up to 1 MB per write: one write per row is an order of magnitude slower (see STACK.md). */
const FLUSH_BYTES = 1 << 20;
/** A COPY's first buffer: most of a chunk's COPYs are smaller than FLUSH_BYTES, some much smaller. */
const FIRST_BYTES = 1 << 16;

type Row = (string | number | boolean | null | undefined)[];

export async function copyRows(client: PoolClient, copyStatement: string, rows: Iterable<Row>): Promise<void> {
  await copyLines(client, copyStatement, (function* () {
    for (const row of rows) yield copyRow(row);
  })());
}

/**
 * COPY of lines already in COPY's text format (copyRow), encoded straight into buffers of up to FLUSH_BYTES. Joining
 * them into a megabyte string first made large strings that only a full collection of the loading thread's heap
 * frees, then encoded each again into a Buffer.
 */
async function copyLines(client: PoolClient, copyStatement: string, lines: Iterable<string>): Promise<void> {
  function* chunks(): Generator<Buffer> {
    let buffer = Buffer.allocUnsafe(FIRST_BYTES);
    let used = 0;
    for (const line of lines) {
      const most = 3 * line.length; // UTF-8 bytes of a UTF-16 unit
      if (used + most > buffer.length) {
        if (buffer.length < FLUSH_BYTES || used === 0) {
          const larger = Buffer.allocUnsafe(Math.max(2 * buffer.length, used + most));
          buffer.copy(larger, 0, 0, used);
          buffer = larger;
        } else {
          yield buffer.subarray(0, used);
          buffer = Buffer.allocUnsafe(Math.max(FLUSH_BYTES, most));
          used = 0;
        }
      }
      used += buffer.write(line, used);
    }
    if (used > 0) yield buffer.subarray(0, used);
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(copyStatement)));
}

/** A text[] literal for COPY: every element quoted, so commas, braces and quotes in hostile labels stay data. */
function textArray(values: string[] | null): string | null {
  if (!values) return null;
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/**
 * The activity of a chunk's keys as unnest parameters: the keys (text from the file) as a JS array that node-postgres
 * escapes; times and counts as plain array literals (plain-array.ts), the times read with SEEN_COLUMNS.
 */
function activityArrays<T extends Activity>(map: Map<string, T>) {
  const keys: string[] = [];
  const firsts: Date[] = [];
  const lasts: Date[] = [];
  const counts: number[] = [];
  const throttled: number[] = [];
  for (const [key, a] of map) {
    keys.push(key);
    firsts.push(a.first);
    lasts.push(a.last);
    counts.push(a.count);
    throttled.push(a.throttled);
  }
  return { keys, firsts: epochMsArray(firsts), lasts: epochMsArray(lasts), counts: plainArray(counts), throttled: plainArray(throttled) };
}

/** first_seen and last_seen from the unnest columns f and l (epoch milliseconds). */
const SEEN_COLUMNS = sql`${epochMsSql(sql`u.f`)}, ${epochMsSql(sql`u.l`)}`;

/** Runs a statement on the load's pg client. */
const execute = (client: PoolClient, statement: Sql) => client.query(statement.text, statement.values);

/** Merges an upserted row's activity (alias t) with the incoming one. */
const ACTIVITY_UPDATE = sql`first_seen = LEAST(t.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(t.last_seen, EXCLUDED.last_seen),
   record_count = t.record_count + EXCLUDED.record_count`;

async function upsertMailboxes(client: PoolClient, orgId: number, plan: ReturnType<typeof planChunk>): Promise<Map<string, string>> {
  const a = activityArrays(plan.mailboxes);
  const guids = a.keys.map((k) => plan.mailboxes.get(k)!.guid);
  const tenants = a.keys.map((k) => plan.mailboxes.get(k)!.tenant);
  const { rows } = await execute(
    client,
    sql`INSERT INTO mailbox AS t (org_id, user_principal_name, mailbox_guid, tenant_id, first_seen, last_seen, record_count, throttled_record_count)
     SELECT ${orgId}::int, u.k, u.g, u.t, ${SEEN_COLUMNS}, u.n, u.th
     FROM unnest(${a.keys}::text[], ${guids}::text[], ${tenants}::text[], ${a.firsts}::bigint[], ${a.lasts}::bigint[], ${a.counts}::int[], ${a.throttled}::int[]) AS u(k, g, t, f, l, n, th)
     ON CONFLICT ON CONSTRAINT uq_mailbox_org_upn DO UPDATE SET ${ACTIVITY_UPDATE},
       throttled_record_count = t.throttled_record_count + EXCLUDED.throttled_record_count,
       mailbox_guid = COALESCE(t.mailbox_guid, EXCLUDED.mailbox_guid), tenant_id = COALESCE(t.tenant_id, EXCLUDED.tenant_id)
     RETURNING id::text, user_principal_name AS key`,
  );
  return new Map(rows.map((r: { id: string; key: string }) => [r.key, r.id]));
}

async function upsertSessions(client: PoolClient, orgId: number, plan: ReturnType<typeof planChunk>): Promise<Map<string, string>> {
  if (plan.sessions.size === 0) return new Map();
  const a = activityArrays(plan.sessions);
  const kinds = a.keys.map((k) => plan.sessions.get(k)!.kind);
  const entra = a.keys.map((k) => plan.sessions.get(k)!.entra);
  const { rows } = await execute(
    client,
    sql`INSERT INTO session AS t (org_id, session_id, kind, entra_session_id, first_seen, last_seen, record_count)
     SELECT ${orgId}::int, u.k, u.kind, u.e, ${SEEN_COLUMNS}, u.n
     FROM unnest(${a.keys}::text[], ${kinds}::varchar[], ${entra}::text[], ${a.firsts}::bigint[], ${a.lasts}::bigint[], ${a.counts}::int[]) AS u(k, kind, e, f, l, n)
     ON CONFLICT ON CONSTRAINT uq_session_org_session_id DO UPDATE SET ${ACTIVITY_UPDATE}, ${SESSION_COUNTS_STALE},
       entra_session_id = COALESCE(t.entra_session_id, EXCLUDED.entra_session_id)
     RETURNING id::text, session_id AS key`,
  );
  return new Map(rows.map((r: { id: string; key: string }) => [r.key, r.id]));
}

/** Ids of the chunk's addresses that are not IPs, by their text (never a canonical IP's text, so one map serves both). */
async function upsertNonIpAddresses(client: PoolClient, orgId: number, plan: ReturnType<typeof planChunk>): Promise<[string, string][]> {
  if (plan.nonIpAddresses.size === 0) return [];
  const a = activityArrays(plan.nonIpAddresses);
  const { rows } = await execute(
    client,
    sql`INSERT INTO client_ip AS t (org_id, address, verbatim, version, first_seen, last_seen, record_count)
     SELECT ${orgId}::int, NULL, u.k, 0::smallint, ${SEEN_COLUMNS}, u.n
     FROM unnest(${a.keys}::text[], ${a.firsts}::bigint[], ${a.lasts}::bigint[], ${a.counts}::int[]) AS u(k, f, l, n)
     ON CONFLICT ON CONSTRAINT uq_client_ip_org_verbatim DO UPDATE SET ${ACTIVITY_UPDATE}
     RETURNING id::text, verbatim AS key`,
  );
  return rows.map((r: { id: string; key: string }) => [r.key, r.id]);
}

async function upsertClientIps(client: PoolClient, orgId: number, plan: ReturnType<typeof planChunk>): Promise<Map<string, string>> {
  const nonIp = await upsertNonIpAddresses(client, orgId, plan);
  if (plan.clientIps.size === 0) return new Map(nonIp);
  const a = activityArrays(plan.clientIps);
  const versions = a.keys.map((k) => plan.clientIps.get(k)!.version);
  await execute(
    client,
    sql`INSERT INTO client_ip AS t (org_id, address, version, first_seen, last_seen, record_count)
     SELECT ${orgId}::int, u.k, u.v, ${SEEN_COLUMNS}, u.n
     FROM unnest(${a.keys}::inet[], ${plainArray(versions)}::smallint[], ${a.firsts}::bigint[], ${a.lasts}::bigint[], ${a.counts}::int[]) AS u(k, v, f, l, n)
     ON CONFLICT ON CONSTRAINT uq_client_ip_org_address DO UPDATE SET ${ACTIVITY_UPDATE}`,
  );
  // Joined on our own spelling of each address, so the map never depends on how PostgreSQL prints an inet.
  const { rows } = await execute(
    client,
    sql`SELECT u.key, c.id::text FROM unnest(${a.keys}::text[]) AS u(key) JOIN client_ip c ON c.org_id = ${orgId} AND c.address = u.key::inet`,
  );
  return new Map([...nonIp, ...rows.map((r: { id: string; key: string }): [string, string] => [r.key, r.id])]);
}

async function upsertApps(client: PoolClient, orgId: number, plan: ReturnType<typeof planChunk>): Promise<Map<string, string>> {
  if (plan.apps.size === 0) return new Map();
  const a = activityArrays(plan.apps);
  const appOnly = a.keys.map((k) => plan.apps.get(k)!.appOnly);
  const { rows } = await execute(
    client,
    sql`INSERT INTO app AS t (org_id, app_id, first_seen, last_seen, record_count, app_only_record_count, bound_message_count)
     SELECT ${orgId}::int, u.k, ${SEEN_COLUMNS}, u.n, u.ao, 0
     FROM unnest(${a.keys}::text[], ${a.firsts}::bigint[], ${a.lasts}::bigint[], ${a.counts}::int[], ${plainArray(appOnly)}::int[]) AS u(k, f, l, n, ao)
     ON CONFLICT ON CONSTRAINT uq_app_org_app_id DO UPDATE SET ${ACTIVITY_UPDATE},
       app_only_record_count = t.app_only_record_count + EXCLUDED.app_only_record_count
     RETURNING id::text, app_id AS key`,
  );
  return new Map(rows.map((r: { id: string; key: string }) => [r.key, r.id]));
}

/** Folder ids by `mailboxId|folderKey`; existing folders are looked up in the same statement that adds new ones. */
async function resolveFolders(
  client: PoolClient,
  orgId: number,
  plan: ReturnType<typeof planChunk>,
  mailboxIds: Map<string, string>,
  cache: Map<string, string>,
): Promise<void> {
  const mailboxes: string[] = [];
  const keys: string[] = [];
  const paths: string[] = [];
  for (const [upn, folders] of plan.folders) {
    const mailboxId = mailboxIds.get(upn)!;
    for (const [key, path] of folders) {
      if (cache.has(`${mailboxId}|${key}`)) continue;
      mailboxes.push(mailboxId);
      keys.push(key);
      paths.push(path);
    }
  }
  if (keys.length === 0) return;
  const { rows } = await execute(
    client,
    sql`WITH wanted AS (SELECT * FROM unnest(${plainArray(mailboxes)}::bigint[], ${keys}::text[], ${paths}::text[]) AS u(mailbox_id, folder_key, path)),
     added AS (
       INSERT INTO folder (org_id, mailbox_id, folder_key, path) SELECT ${orgId}::int, mailbox_id, folder_key, path FROM wanted
       ON CONFLICT ON CONSTRAINT uq_folder_mailbox_key DO NOTHING
       RETURNING id, mailbox_id, folder_key)
     SELECT id::text, mailbox_id::text, folder_key FROM added
     UNION ALL
     SELECT f.id::text, f.mailbox_id::text, f.folder_key FROM folder f
     JOIN wanted w ON f.org_id = ${orgId} AND f.mailbox_id = w.mailbox_id AND f.folder_key = w.folder_key`,
  );
  for (const r of rows as { id: string; mailbox_id: string; folder_key: string }[]) cache.set(`${r.mailbox_id}|${r.folder_key}`, r.id);
}

/**
 * Dictionary ids an import has learnt, across its chunks: folders by `mailboxId|folderKey`, ClientInfoStrings by
 * their text. The owner must clear them when a transaction rolls back (an id learnt in it may not exist).
 */
export interface DictionaryCache {
  folders: Map<string, string>;
  clientInfos: Map<string, string>;
}

export const newDictionaryCache = (): DictionaryCache => ({ folders: new Map(), clientInfos: new Map() });

export function clearDictionaryCache(cache: DictionaryCache): void {
  cache.folders.clear();
  cache.clientInfos.clear();
}

/** At most this many ClientInfoStrings are remembered across chunks: a hostile file may have one per record. */
const CLIENT_INFO_CACHE_LIMIT = 10_000;

/**
 * Ids of the chunk's ClientInfoStrings in the `client_info` dictionary (migration DenseRecordRows), added when new.
 * A tenant has a few hundred distinct ones, so after the first chunks the import's cache knows them all and this
 * sends nothing. Keyed by the text's SHA-256: a hostile string may be longer than a B-tree entry can be.
 */
async function resolveClientInfos(client: PoolClient, orgId: number, fresh: StagedRecord[], cache: Map<string, string>): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const wanted = new Set<string>();
  for (const { record } of fresh) {
    const t = record.clientInfoString;
    if (t === null || ids.has(t) || wanted.has(t)) continue;
    const id = cache.get(t);
    if (id === undefined) wanted.add(t);
    else ids.set(t, id);
  }
  if (wanted.size === 0) return ids;
  const texts = [...wanted];
  // Matched back by position, not by the text PostgreSQL returns: a lone surrogate is stored as U+FFFD.
  const { rows } = await execute(
    client,
    sql`WITH wanted AS (SELECT u.n, sha256(convert_to(u.t, 'UTF8')) AS h, u.t FROM unnest(${texts}::text[]) WITH ORDINALITY AS u(t, n)),
     added AS (
       INSERT INTO client_info (org_id, text, text_sha256) SELECT ${orgId}::int, t, h FROM wanted
       ON CONFLICT ON CONSTRAINT uq_client_info_org_text DO NOTHING
       RETURNING id, text_sha256)
     SELECT w.n::int AS n, coalesce(a.id, c.id)::text AS id FROM wanted w
     LEFT JOIN added a ON a.text_sha256 = w.h
     LEFT JOIN client_info c ON c.org_id = ${orgId} AND c.text_sha256 = w.h`,
  );
  for (const r of rows as { n: number; id: string }[]) {
    const text = texts[r.n - 1];
    ids.set(text, r.id);
    if (cache.size < CLIENT_INFO_CACHE_LIMIT) cache.set(text, r.id);
  }
  return ids;
}

/**
 * Message-dictionary ids by each access's dictionaryKey for the chunk's bound messages; a new message keeps the
 * first spelling seen (null for an item known only by its item id). Ids the import committed come from `memo`.
 */
async function resolveMessages(
  client: PoolClient,
  orgId: number,
  fresh: StagedRecord[],
  inserted: Set<string>,
  memo?: MessageMemo,
): Promise<Map<string, string>> {
  // Hashed once per key: a chunk names the same messages many times.
  const hashes = new Map<string, string>();
  const spellings = new Map<string, string | null>();
  for (const { record } of fresh) {
    for (const a of record.messageAccesses) {
      if (hashes.has(a.dictionaryKey)) continue;
      const key = a.dictionaryKeyHash ?? dictionaryKeyHash(a.dictionaryKey);
      hashes.set(a.dictionaryKey, key);
      if (!spellings.has(key)) spellings.set(key, a.internetMessageId);
    }
  }
  const ids = await messageIdsByKey(client, orgId, spellings, inserted, memo);
  // By dictionary key, so writing the accesses needs no hashing.
  return new Map([...hashes].map(([dictionaryKey, key]) => [dictionaryKey, ids.get(key)!]));
}

/** What a chunk knows of the dictionary before asking PostgreSQL, and what it learns, for after its commit. */
export interface MessageMemo {
  /** Ids the import has committed (message-key-table.ts). */
  table: MessageKeyTable;
  /**
   * The organisation's dictionary was empty when the batch started and `table` holds every message the batch added,
   * so a key it lacks is new: it is neither looked up nor checked before its insert. Were it stored after all (a
   * writer without the load lock, a message-trace chunk of the batch), the insert fails with a unique violation on
   * uq_message_org_key and the writer redoes the chunk without this.
   */
  newOnly: boolean;
  /** The ids this chunk resolved that `table` lacked: the writer adds them once the chunk commits. */
  learnt: [string, string][];
}

/**
 * Message-dictionary ids by messageKeyHash (hex) for canonical spellings keyed by their hash; a new message keeps
 * the first spelling seen, and its id goes into `inserted` when given. Keys `memo` knows are not asked for. Existing
 * messages are looked up by `= ANY(array)`, which always walks the unique index: a join against the keys let the
 * planner hash the whole dictionary on every chunk, so the load slowed as it grew.
 */
export async function messageIdsByKey(
  client: PoolClient,
  orgId: number,
  spellings: Map<string, string | null>,
  inserted?: Set<string>,
  memo?: MessageMemo,
): Promise<Map<string, string>> {
  if (spellings.size === 0) return new Map();
  const ids = new Map<string, string>();
  let unknown = [...spellings.keys()];
  if (memo) {
    unknown = [];
    for (const key of spellings.keys()) {
      const id = memo.table.get(key);
      if (id === undefined) unknown.push(key);
      else ids.set(key, id);
    }
  }
  if (unknown.length > 0 && !memo?.newOnly) for (const [key, id] of await storedMessageIds(client, orgId, unknown)) ids.set(key, id);
  // In key order, so the inserts walk the unique index's leaves once, left to right, instead of at random.
  const missing = unknown.filter((key) => !ids.has(key)).sort();
  if (missing.length > 0 && memo?.newOnly) {
    // Known to be new: ids from the sequence and the rows by COPY, with no conflict check, no array parameters and
    // no rows sent back (PERFORMANCE.md, eighth and ninth sessions). Were one stored after all, the unique violation
    // rolls the chunk back and the writer redoes it asking.
    const newIds = await nextIds(client, 'message', missing.length);
    await copyLines(
      client,
      'COPY message (id, org_id, key_hash, spelling, exo_server, exo_hex, exo_hex_odd, exo_region) FROM STDIN',
      missing.map((key, i) => messageCopyLine(newIds[i], orgId, key, spellings.get(key) ?? null)),
    );
    missing.forEach((key, i) => {
      ids.set(key, newIds[i]);
      inserted?.add(newIds[i]);
    });
  } else if (missing.length > 0) {
    const columns = missing.map((k) => spellingColumns(spellings.get(k) ?? null));
    const { rows } = await execute(
      client,
      sql`INSERT INTO message (org_id, key_hash, spelling, exo_server, exo_hex, exo_hex_odd, exo_region)
       SELECT ${orgId}::int, decode(u.h, 'hex'), u.spelling, u.server, decode(u.hex, 'hex'), u.odd, u.region
         FROM unnest(${plainArray(missing)}::text[], ${columns.map((c) => c[0])}::text[], ${columns.map((c) => c[1])}::text[],
                     ${columns.map((c) => c[2])}::text[], ${columns.map((c) => c[3])}::boolean[], ${columns.map((c) => c[4])}::text[])
           AS u(h, spelling, server, hex, odd, region)
       ON CONFLICT ON CONSTRAINT uq_message_org_key DO NOTHING
       RETURNING id::text, encode(key_hash, 'hex') AS key`,
    );
    for (const r of rows as { id: string; key: string }[]) {
      ids.set(r.key, r.id);
      inserted?.add(r.id);
    }
    // Loads of one organisation hold its advisory lock, so nothing else adds these keys meanwhile; if a writer that
    // does not take it did, its rows are read back here.
    const raced = missing.filter((key) => !ids.has(key));
    if (raced.length > 0) for (const [key, id] of await storedMessageIds(client, orgId, raced)) ids.set(key, id);
  }
  if (memo) for (const key of unknown) memo.learnt.push([key, ids.get(key)!]);
  return ids;
}

/**
 * A message's spelling as the dictionary stores it: [spelling, exo_server, exo_hex, exo_hex_odd, exo_region], the text
 * or, for an Exchange Online id, its parts (`exchangeOnlineParts`; the digits as hex of bytes, 0-padded when odd).
 */
function spellingColumns(spelling: string | null): [string | null, string | null, string | null, boolean | null, string | null] {
  const parts = spelling === null ? null : exchangeOnlineParts(spelling);
  if (!parts) return [spelling, null, null, null, null];
  const odd = parts.hex.length % 2 === 1;
  return [null, parts.server, odd ? parts.hex + '0' : parts.hex, odd, parts.region];
}

/**
 * A new message's COPY line (key: hex of its key hash). The parts of an Exchange Online id are letters, digits and
 * hex, which COPY needs no escape for, so that line is written directly: ~2 lines per record, on the loading thread.
 */
function messageCopyLine(id: string, orgId: number, key: string, spelling: string | null): string {
  const [text, server, hex, odd, region] = spellingColumns(spelling);
  if (server === null) return copyRow([id, orgId, '\\x' + key, text, null, null, null, null]);
  return `${id}\t${orgId}\t\\\\x${key}\t\\N\t${server}\t\\\\x${hex}\t${odd ? 't' : 'f'}\t${region}\n`;
}

async function storedMessageIds(client: PoolClient, orgId: number, keys: string[]): Promise<Map<string, string>> {
  const { rows } = await execute(
    client,
    sql`SELECT id::text, encode(key_hash, 'hex') AS key FROM message
     WHERE org_id = ${orgId} AND key_hash = ANY(ARRAY(SELECT decode(h, 'hex') FROM unnest(${plainArray(keys)}::text[]) AS h))`,
  );
  return new Map(rows.map((r: { id: string; key: string }) => [r.key, r.id]));
}

/** Who-used-what link tables and their two key columns (the primary key is those two and org_id). */
const LINK_COLUMNS = {
  session_client_ip: ['session_id', 'client_ip_id'],
  session_mailbox: ['session_id', 'mailbox_id'],
  client_ip_mailbox: ['client_ip_id', 'mailbox_id'],
  app_mailbox: ['app_id', 'mailbox_id'],
} as const;

async function upsertLinks(client: PoolClient, orgId: number, table: keyof typeof LINK_COLUMNS, links: ReturnType<typeof linkActivity>) {
  if (links.size === 0) return;
  const rows = [...links.values()];
  const [a, b] = LINK_COLUMNS[table].map((column) => sql.ident(column));
  const ids = (pick: (r: (typeof rows)[number]) => string) => plainArray(rows.map(pick));
  await execute(
    client,
    sql`INSERT INTO ${sql.ident(table)} AS t (${a}, ${b}, org_id, first_seen, last_seen, record_count)
     SELECT u.a, u.b, ${orgId}::int, ${SEEN_COLUMNS}, u.n
     FROM unnest(${ids((r) => r.a)}::bigint[], ${ids((r) => r.b)}::bigint[], ${epochMsArray(rows.map((r) => r.first))}::bigint[],
       ${epochMsArray(rows.map((r) => r.last))}::bigint[], ${plainArray(rows.map((r) => r.count))}::int[]) AS u(a, b, f, l, n)
     ON CONFLICT (${a}, ${b}, org_id) DO UPDATE SET ${ACTIVITY_UPDATE}`,
  );
}

/** The (app key, message id) pairs of the accesses a chunk writes (records with a mailbox, as `derived` below). */
function appMessagePairs(fresh: StagedRecord[], ids: { mailbox?: string }[], messageIds: Map<string, string>): Map<string, Set<string>> {
  const pairs = new Map<string, Set<string>>();
  for (let i = 0; i < fresh.length; i++) {
    const r = fresh[i].record;
    const app = appKey(r);
    if (!app || !ids[i].mailbox || r.messageAccesses.length === 0) continue;
    let messages = pairs.get(app);
    if (!messages) pairs.set(app, (messages = new Set()));
    for (const a of r.messageAccesses) messages.add(messageIds.get(a.dictionaryKey)!);
  }
  return pairs;
}

export interface ChunkLoadResult {
  inserted: number;
  unattributedBindRecords: number;
  /** Records kept although their Id was taken by a record with other content (record-identity.ts). */
  conflicts: { line: number; key: string }[];
  /** Ids of the sessions the chunk touched: their kept counts are to be made again (session-counts.ts). */
  sessions: string[];
}

/**
 * Writes the new records of a chunk. `cache` holds the dictionary ids learnt by earlier chunks of the import; the
 * caller must clear it (clearDictionaryCache) when a transaction rolls back.
 */
export async function loadChunk(
  client: PoolClient,
  orgId: number,
  batchId: string,
  records: StagedRecord[],
  cache: DictionaryCache,
  lookup = true,
  prepacked?: { records: readonly StagedRecord[]; evidence: PackedTexts },
  messages?: MessageMemo,
): Promise<ChunkLoadResult> {
  // Whether app counts can be kept by index now (app-message-counts.ts), asked under the lock in the same round trip.
  const { rows: locked } = await client.query('SELECT pg_advisory_xact_lock($1, $2), to_regclass($3) IS NOT NULL AS indexed', [LOAD_LOCK_CLASS, orgId, MESSAGE_INDEX]);
  const identity = await resolveIdentities(client, orgId, records, lookup);
  const plan = planChunk(identity.fresh, new Set());
  const conflicts = identity.conflicts.map((c) => ({ line: c.line, key: c.record.recordKey.replace(/#[0-9a-f]{64}$/, '') }));
  if (plan.fresh.length === 0) return { inserted: 0, unattributedBindRecords: 0, conflicts, sessions: [] };

  const mailboxIds = plan.mailboxes.size ? await upsertMailboxes(client, orgId, plan) : new Map<string, string>();
  const sessionIds = await upsertSessions(client, orgId, plan);
  const clientIpIds = await upsertClientIps(client, orgId, plan);
  const appIds = await upsertApps(client, orgId, plan);
  await resolveFolders(client, orgId, plan, mailboxIds, cache.folders);
  const clientInfoIds = await resolveClientInfos(client, orgId, plan.fresh, cache.clientInfos);
  const newMessages = new Set<string>();
  const messageIds = await resolveMessages(client, orgId, plan.fresh, newMessages, messages);
  const recordIds = await nextIds(client, 'audit_record', plan.fresh.length);

  const ids = plan.fresh.map((s, i) => {
    const r = s.record;
    return {
      record: recordIds[i],
      mailbox: r.mailboxUpn ? mailboxIds.get(r.mailboxUpn) : undefined,
      session: r.session ? sessionIds.get(r.session.key) : undefined,
      clientIp: r.clientIp ? clientIpIds.get(r.clientIp.address) : clientIpIds.get(verbatimAddress(r) ?? ''),
      app: appIds.get(appKey(r) ?? ''),
    };
  });

  // Before this chunk's accesses are written: the check looks for earlier ones.
  await countNewAppMessages(client, orgId, appMessagePairs(plan.fresh, ids, messageIds), newMessages, locked[0].indexed);

  const idOf = new Map(plan.fresh.map((s, i) => [s, ids[i].record]));
  const conflictTarget = (s: ResolvedRecord) =>
    s.conflictsWith === undefined ? null : typeof s.conflictsWith === 'string' ? s.conflictsWith : idOf.get(s.conflictsWith) ?? null;
  // Packed ahead for the whole chunk: usable when every record of it is new, in order (the same objects: a record
  // kept under another key is a copy).
  const whole = prepacked && prepacked.records.length === plan.fresh.length && plan.fresh.every((s, i) => s === prepacked.records[i]);
  if (!whole && plan.fresh.some((s) => s.rawJson === '')) throw new Error('a record to repack came without its text');
  const evidence = whole ? withRecordIds(prepacked.evidence, recordIds) : packEvidence(plan.fresh.map((s) => s.rawJson), recordIds);
  await copyEvidenceBlocks(client, orgId, evidence.blocks);
  await copyRows(
    client,
    `COPY audit_record (id, org_id, record_uuid, record_key_text, creation_time, operation_code, operation_text, record_type, user_id, user_type, mailbox_id, session_id,
       client_ip_id, client_ip_raw, client_info_id, app_uuid, app_id_text, client_app_id, aad_session_id, unique_token_id, logon_type,
       mail_access_type, is_throttled, operation_count, raw_block_id, raw_offset, raw_length, raw_sha256, raw_exact,
       conflicts_with_id, batch_id, source_line) FROM STDIN`,
    (function* () {
      for (let i = 0; i < plan.fresh.length; i++) {
        const { record: r, line, rawExact } = plan.fresh[i];
        const id = ids[i];
        const e = evidence.refs[i];
        const key = storedRecordKey(r.recordKey);
        const app = storedGuid(r.appId);
        const operation = storedOperation(r.operation);
        const clientInfo = r.clientInfoString === null ? null : clientInfoIds.get(r.clientInfoString);
        if (clientInfo === undefined) throw new Error('a ClientInfoString without its dictionary id');
        yield [
          id.record, orgId, key.uuid, key.text, r.creationTime.toISOString(), operation.code, operation.text, r.recordType, storedUserId(r), r.userType, id.mailbox,
          id.session, id.clientIp, storedRawAddress(r), clientInfo, app.uuid, app.text, r.clientAppId, r.aadSessionId, r.uniqueTokenId, r.logonType,
          r.mailAccessType, r.isThrottled, r.operationCount, e.blockId, e.offset, e.length, '\\x' + e.sha256.toString('hex'), rawExact !== false,
          conflictTarget(plan.fresh[i]), batchId, line,
        ];
      }
    })(),
  );

  // A record's items are mostly in one folder: its id is looked up again only when the folder changes.
  let lastMailbox = '';
  let lastFolderKey = '';
  let lastFolderId: string | undefined;
  const folderId = (mailbox: string, folderKey: string) => {
    if (mailbox !== lastMailbox || folderKey !== lastFolderKey) {
      lastMailbox = mailbox;
      lastFolderKey = folderKey;
      lastFolderId = cache.folders.get(`${mailbox}|${folderKey}`);
    }
    return lastFolderId;
  };
  const derived = function* (kind: 'access' | 'sync') {
    for (let i = 0; i < plan.fresh.length; i++) {
      const r = plan.fresh[i].record;
      const id = ids[i];
      if (!id.mailbox) continue;
      if (kind === 'access') {
        for (const a of r.messageAccesses) {
          const item = storedItemId(a.itemId);
          yield [orgId, id.record, messageIds.get(a.dictionaryKey), folderId(id.mailbox, a.folderKey),
            a.internetMessageIdOriginal, a.sizeInBytes, a.itemTime?.toISOString(), item.text, item.b64Hex && '\\x' + item.b64Hex,
            a.subject, textArray(a.sensitivityLabels)] as Row;
        }
      } else {
        for (const f of r.folderSyncs) yield [orgId, id.record, folderId(id.mailbox, f.folderKey)] as Row;
      }
    }
  };
  if (plan.fresh.some((s) => s.record.messageAccesses.length)) {
    await copyRows(
      client,
      `COPY message_access (org_id, record_id, message_id, folder_id, internet_message_id_original, size_in_bytes,
         item_time, item_id_text, item_id_b64, subject, sensitivity_labels) FROM STDIN`,
      derived('access'),
    );
  }
  if (plan.fresh.some((s) => s.record.folderSyncs.length)) {
    await copyRows(
      client,
      'COPY folder_sync (org_id, record_id, folder_id) FROM STDIN',
      derived('sync'),
    );
  }

  await upsertLinks(client, orgId, 'session_client_ip', linkActivity(plan.fresh, ids.map((id) => [id.session, id.clientIp])));
  await upsertLinks(client, orgId, 'session_mailbox', linkActivity(plan.fresh, ids.map((id) => [id.session, id.mailbox])));
  await upsertLinks(client, orgId, 'client_ip_mailbox', linkActivity(plan.fresh, ids.map((id) => [id.clientIp, id.mailbox])));
  await upsertLinks(client, orgId, 'app_mailbox', linkActivity(plan.fresh, ids.map((id) => [id.app, id.mailbox])));

  return { inserted: plan.fresh.length, unattributedBindRecords: plan.unattributedBindRecords, conflicts, sessions: [...sessionIds.values()] };
}
