/**
 * Session.messageAccesses.totalCount and Session.boundMessageCount kept on the session row. Counting them per request
 * read every access of each session asked for: one statement and ~1.2 ms of PostgreSQL per contract 01 call on the
 * attacker's session, 8 ms for the office NAT's 100 sessions (docs/PERFORMANCE.md).
 *
 * A distinct count cannot simply be added to, so an import does not count as it goes: every chunk's session upsert
 * sets the counts of the sessions it touches to NULL ("to be counted"), in the same statement, and recountSessions
 * counts those once when the import ends (2.2 s for all 110,000 sessions of a 1M-record case). The API counts a NULL
 * session itself, so an answer is never wrong meanwhile, only slower.
 */
import type { PoolClient } from 'pg';
import { sql } from '../../db/sql';
import { canCountByIndex, underLoadLock } from './app-message-counts';
import { quoteIdent } from './deferred-indexes';

/** What the chunk's session upsert sets on a session it touches: its counts are to be made again. */
export const SESSION_COUNTS_STALE = sql`message_access_count = NULL, bound_message_count = NULL`;

/** Past this many, an import counts its organisation's uncounted sessions in one pass instead of by id. */
export const TOUCHED_SESSIONS_LIMIT = 20_000;

/** The sessions an import touched (what its chunks marked NULL), up to TOUCHED_SESSIONS_LIMIT; past it, `many`. */
export class TouchedSessions {
  readonly ids = new Set<string>();
  many = false;

  add(ids: readonly string[]): void {
    if (this.many) return;
    for (const id of ids) this.ids.add(id);
    if (this.ids.size > TOUCHED_SESSIONS_LIMIT) {
      this.many = true;
      this.ids.clear();
    }
  }
}

/**
 * Counts sessions left NULL, one organisation at a time under its load lock (`lockClass`, chunk-load.ts), so no chunk
 * of it is half-written meanwhile. With `touched` (an import's own end): that organisation's sessions the import
 * touched, found by id, so a small import into a large case reads no more than its sessions. Without (the server's
 * minute): every organisation's, except one with an import running, whose end counts them. Returns how many
 * sessions it counted; does nothing while a bulk load has the access indexes deferred (deferred-indexes.ts).
 */
export async function recountSessions(client: PoolClient, lockClass: number, touched?: { orgId: number; sessions: TouchedSessions }): Promise<number> {
  if (touched && !touched.sessions.many && touched.sessions.ids.size === 0) return 0;
  if (!(await canCountByIndex(client))) return 0;
  // An organisation with an import running is left to that import's end: counting now would be undone by its next chunk.
  const orgs = touched
    ? [{ org_id: touched.orgId }]
    : (
        await client.query<{ org_id: number }>(
          `SELECT DISTINCT org_id FROM session WHERE bound_message_count IS NULL
           AND org_id NOT IN (SELECT org_id FROM import_batch WHERE status = 'RUNNING')`,
        )
      ).rows;
  const ids = touched && !touched.sessions.many ? [...touched.sessions.ids] : null;
  let counted = 0;
  for (const { org_id: orgId } of orgs) {
    counted += await underLoadLock(client, lockClass, orgId, async () => {
      // Sorting a large case's accesses by session in memory, not on disk (5.1 s at 1M records with the 4 MB default).
      await client.query("SET LOCAL work_mem = '64MB'");
      let most = false;
      if (!ids) {
        const { rows } = await client.query('SELECT count(*) FILTER (WHERE bound_message_count IS NULL) AS stale, count(*) AS sessions FROM session WHERE org_id = $1', [orgId]);
        // Most sessions stale (a bulk load): one pass over all accesses, whatever the statistics say. A few: each one's own.
        most = Number(rows[0].stale) * 4 > Number(rows[0].sessions);
      }
      const { rowCount } = await client.query(
        `WITH stale AS (SELECT id FROM session WHERE org_id = $1 AND bound_message_count IS NULL${ids ? ' AND id = ANY($2::bigint[])' : ''}),
              counted AS (
                SELECT r.session_id, count(*) AS n, count(DISTINCT x.message_id) AS m
                FROM audit_record r JOIN message_access x ON x.record_id = r.id AND x.org_id = r.org_id
                WHERE r.org_id = $1 AND ${most ? 'r.session_id IS NOT NULL' : 'r.session_id IN (SELECT id FROM stale)'} GROUP BY 1)
         UPDATE session s SET message_access_count = coalesce(c.n, 0), bound_message_count = coalesce(c.m, 0)
         FROM stale LEFT JOIN counted c ON c.session_id = stale.id
         WHERE s.org_id = $1 AND s.id = stale.id`,
        ids ? [orgId, ids] : [orgId],
      );
      return rowCount ?? 0;
    });
  }
  return counted;
}

/**
 * The tables an import updates in place (counters, first/last seen), chunk after chunk. Their pages keep 30 % free
 * (fillfactor 70, migration CompactDictionaries) so those updates stay on the page (HOT) during the load.
 */
export const UPDATED_IN_PLACE = ['session', 'session_mailbox', 'session_client_ip', 'client_ip_mailbox', 'app_mailbox', 'mailbox', 'client_ip'] as const;

/**
 * After a bulk load's count: that count rewrote every session row once more, and a page has room (fillfactor 70) for
 * only some of the new versions, so the table and its indexes ended up ~1.6× their size (at 1M records: 63 MB,
 * 39 MB rewritten, in 0.3 s). The links were left with the load's free space and index pages split at random.
 * Each table is rewritten once with full pages (fillfactor 100 for the rewrite only: its setting and its indexes'
 * are put back, so later imports update in place as before): at 1M records 23 bytes per record less (docs/
 * PERFORMANCE.md, thirteenth session), in ~1 s. The store was empty before the load, so a short exclusive lock costs
 * nobody much; it gives up after 2 s rather than queue readers behind it (the rows stay as they are, only larger).
 */
export async function compactSessions(client: PoolClient): Promise<void> {
  await client.query("SET lock_timeout = '2s'");
  try {
    for (const table of UPDATED_IN_PLACE) await rewriteFull(client, table);
  } finally {
    await client.query('RESET lock_timeout').catch(() => undefined);
  }
}

/** VACUUM FULL of one table with its heap and index pages filled, then its storage settings as they were. */
async function rewriteFull(client: PoolClient, table: string): Promise<void> {
  const { rows } = await client.query<{ name: string; fillfactor: string | null; is_table: boolean }>(
    `SELECT c.relname AS name, (SELECT substr(o, 12) FROM unnest(c.reloptions) o WHERE o LIKE 'fillfactor=%') AS fillfactor, c.oid = t.oid AS is_table
     FROM pg_class t JOIN pg_class c ON c.oid = t.oid OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = t.oid)
     WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace`,
    [table],
  );
  const alter = (r: { name: string; is_table: boolean }) => `ALTER ${r.is_table ? 'TABLE' : 'INDEX'} ${quoteIdent(r.name)}`;
  try {
    for (const r of rows) await client.query(`${alter(r)} SET (fillfactor = 100)`);
    await client.query(`VACUUM FULL ${quoteIdent(table)}`);
  } finally {
    for (const r of rows) {
      await client.query(r.fillfactor === null ? `${alter(r)} RESET (fillfactor)` : `${alter(r)} SET (fillfactor = ${Number(r.fillfactor)})`);
    }
  }
}
