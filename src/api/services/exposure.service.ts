/**
 * What a mailbox exposed: confirmed (messages bound), presumed (folders synced) and unknown (unaudited windows,
 * computed by MailboxService). The actor filters are ANDed: a row counts when it matches every kind given
 * (sessionIds AND clientIps AND clientAppIds); within one kind any value matches. Time bounds are inclusive and
 * apply to the record's CreationTime.
 */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import type { FolderSyncType } from '../graphql/types/entities.type';
import type { ExposedMessageType, ExposureQuery } from '../graphql/types/views.type';
import { decodeKeyset, toConnection, type ConnectionResult } from '../../db/pages';
import { ACCESSES, COUNTED_ACCESSES, folderSyncFromRow, noteRelated, WITH_FOLDER, type RelatedRows } from './rows';
import { withinSql } from './time-range';
import type { TagExclusionType } from '../graphql/types/tags.type';

export interface ExposureTotals {
  boundMessageCount: number;
  bindOperationCount: number;
}

type Alias = 'a' | 'r' | 's';
type TimeColumn = 'accessed_at' | 'creation_time' | 'synced_at';

/**
 * Which of a row's actors carry an excludeTagged label: its session, its client IP, its app (the record's app key,
 * ClientAppId else AppId). Each is false when the row has no such actor.
 */
function taggedActors(orgId: number, labels: string[], alias: Alias) {
  const column = (name: string) => sql.ident(alias, name);
  const tagged = (kind: string) => sql`SELECT tg.target_key FROM analyst_tag tg WHERE tg.org_id = ${orgId} AND tg.target_kind = ${kind} AND tg.label = ANY(${labels}::text[])`;
  return {
    session: sql`coalesce(${column('session_id')} IN (SELECT s.id FROM session s WHERE s.org_id = ${orgId} AND s.session_id IN (${tagged('SESSION')})), false)`,
    clientIp: sql`coalesce(${column('client_ip_id')} IN (SELECT c.id FROM client_ip c WHERE c.org_id = ${orgId} AND coalesce(host(c.address), c.verbatim) IN (${tagged('IP')})), false)`,
    app: sql`coalesce(lower(coalesce(${column('client_app_id')}, ${column('app_id')})) IN (${tagged('APP')}), false)`,
  };
}

/** Conditions on a row (alias of ACCESSES('message_access'), ACCESSES('folder_sync') or audit_record) for the question. */
export function exposureWhere(orgId: number, q: ExposureQuery, alias: Alias, timeColumn: TimeColumn, applyExclusion = true): Sql {
  return sql`${sql.ident(alias, 'mailbox_id')} = ${q.mailboxId}::bigint AND ${actorWhere(orgId, q, alias, timeColumn, applyExclusion)}`;
}

/** The question's window, actor filters and excludeTagged (not its mailbox) on such a row. */
export function actorWhere(orgId: number, q: Omit<ExposureQuery, 'mailboxId'>, alias: Alias, timeColumn: TimeColumn, applyExclusion = true): Sql {
  const column = (name: string) => sql.ident(alias, name);
  const tagged = q.excludeTagged && applyExclusion ? taggedActors(orgId, q.excludeTagged, alias) : null;
  const exclusion = tagged ? sql` AND NOT (${tagged.session} OR ${tagged.clientIp} OR ${tagged.app})` : sql.empty;
  return sql`${column('org_id')} = ${orgId}${exclusion} AND ${withinSql(column(timeColumn), q)}
    AND (${q.sessionIds}::text[] IS NULL OR ${column('session_id')} IN (SELECT id FROM session WHERE org_id = ${orgId} AND session_id = ANY(${q.sessionIds}::text[])))
    AND (${q.clientIps}::inet[] IS NULL OR ${column('client_ip_id')} IN (SELECT id FROM client_ip WHERE org_id = ${orgId} AND address = ANY(${q.clientIps}::inet[])))
    AND (${q.clientAppIds}::text[] IS NULL OR ${column('client_app_id')} = ANY(${q.clientAppIds}::text[]))`;
}

/** Filter values that no imported record of the organisation carries (each one matches nothing). */
export interface UnknownFilterValues {
  sessionIds: string[];
  clientIps: string[];
  clientAppIds: string[];
}

export class ExposureService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /** boundMessageCount (distinct messages) and bindOperationCount (Σ OperationCount of the matching Bind records). */
  async totals(q: ExposureQuery): Promise<ExposureTotals> {
    const [row] = await run(
      this.db,
      sql`SELECT (SELECT count(DISTINCT a.message_id) FROM ${COUNTED_ACCESSES('message_access')} a WHERE ${exposureWhere(this.orgId, q, 'a', 'accessed_at')}) AS bound,
              (SELECT coalesce(sum(r.operation_count), 0) FROM audit_record r
                WHERE ${exposureWhere(this.orgId, q, 'r', 'creation_time')} AND r.mail_access_type = 'BIND') AS ops`,
    );
    return { boundMessageCount: Number(row.bound), bindOperationCount: Number(row.ops) };
  }

  /**
   * Distinct bound messages, ordered by InternetMessageId (items listed without one first, by dictionary id), with
   * first/last access, folders and sessions. One statement in steps, so a page aggregates only its own messages:
   * `ids` are the distinct message ids of the matching accesses (a hash of bigints; COUNTED_ACCESSES, without the
   * dictionary), `page` the page's keyset over them in the dictionary (a top-N sort), and only those messages'
   * accesses are aggregated; grouping every access of the exposure (array_agg DISTINCT sorts per group) cost seconds
   * per page (docs/PERFORMANCE.md, "Exposure pages"). Both CTEs are MATERIALIZED: otherwise the planner may walk the whole organisation's dictionary in key
   * order (sorting it first, no index has that order) and probe each message, which is slow for a small mailbox.
   */
  async boundMessages(q: ExposureQuery, limit: number, after: string | null, total: () => Promise<number>): Promise<ConnectionResult<ExposedMessageType>> {
    // Keyed by the InternetMessageId; items without one ('' first) by their dictionary id, so a cursor of an ordinary
    // message does not depend on internal ids.
    const tiebreak = (m: 'm' | 'p') => sql`CASE WHEN ${sql.ident(m, 'internet_message_id')} IS NULL THEN ${sql.ident(m, 'id')} ELSE 0 END`;
    const cursor = decodeKeyset(after, ['text', 'bigint']);
    const afterCursor = cursor ? sql` AND (coalesce(m.internet_message_id, ''), ${tiebreak('m')}) > (${cursor[0]}::text, ${cursor[1]}::bigint)` : sql.empty;
    const where = exposureWhere(this.orgId, q, 'a', 'accessed_at');
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`WITH ids AS MATERIALIZED (SELECT DISTINCT a.message_id FROM ${COUNTED_ACCESSES('message_access')} a WHERE ${where}),
       page AS MATERIALIZED (
         SELECT m.id, m.internet_message_id FROM ids JOIN message m ON m.id = ids.message_id
          WHERE m.org_id = ${this.orgId}${afterCursor}
          ORDER BY coalesce(m.internet_message_id, ''), ${tiebreak('m')} LIMIT ${limit + 1})
       SELECT p.internet_message_id, p.id::text AS message_id, min(a.accessed_at) AS first, max(a.accessed_at) AS last, count(*) AS n,
         max(a.item_id) AS item_id, max(a.subject) AS subject,
         array_agg(DISTINCT a.folder_id::text) AS folder_ids,
         coalesce(array_agg(DISTINCT a.session_id::text) FILTER (WHERE a.session_id IS NOT NULL), '{}') AS session_ids
       FROM page p JOIN ${ACCESSES('message_access')} a ON a.message_id = p.id WHERE ${where}
       GROUP BY p.id, p.internet_message_id ORDER BY coalesce(p.internet_message_id, ''), ${tiebreak('p')}`,
    );
    const nodes = rows.map(
      (r): ExposedMessageType & { tiebreak: string } => ({
        mailboxId: q.mailboxId,
        tiebreak: r.internet_message_id === null ? String(r.message_id) : '0',
        internetMessageId: r.internet_message_id === null ? '' : String(r.internet_message_id),
        internetMessageIdMissing: r.internet_message_id === null,
        itemId: r.item_id === null ? null : String(r.item_id),
        subject: r.subject === null ? null : String(r.subject),
        firstAccessedAt: r.first as Date,
        lastAccessedAt: r.last as Date,
        accessCount: Number(r.n),
        folderIds: r.folder_ids as string[],
        sessionIds: r.session_ids as string[],
      }),
    );
    return toConnection(nodes, limit, (m) => [m.internetMessageId, m.tiebreak], total);
  }

  /** What excludeTagged left out: records (of the question without it) whose session, IP or app is tagged, and those actors. */
  async excluded(q: ExposureQuery): Promise<TagExclusionType | null> {
    if (!q.excludeTagged) return null;
    const t = taggedActors(this.orgId, q.excludeTagged, 'r');
    const [row] = await run(
      this.db,
      sql`SELECT count(*) AS records,
         count(DISTINCT r.session_id) FILTER (WHERE ${t.session}) AS sessions,
         count(DISTINCT r.client_ip_id) FILTER (WHERE ${t.clientIp}) AS ips,
         count(DISTINCT lower(coalesce(r.client_app_id, r.app_id))) FILTER (WHERE ${t.app}) AS apps
       FROM audit_record r WHERE ${exposureWhere(this.orgId, q, 'r', 'creation_time', false)} AND (${t.session} OR ${t.clientIp} OR ${t.app})`,
    );
    return {
      labels: q.excludeTagged,
      recordCount: Number(row.records),
      sessionCount: Number(row.sessions),
      clientIpCount: Number(row.ips),
      appCount: Number(row.apps),
    };
  }

  /** Which of the question's filter values are in no imported record, in one statement. */
  async unknownFilterValues(q: ExposureQuery): Promise<UnknownFilterValues> {
    if (!q.sessionIds && !q.clientIps && !q.clientAppIds) return { sessionIds: [], clientIps: [], clientAppIds: [] };
    const [row]: { sessions: string[]; ips: string[]; apps: string[] }[] = await run(
      this.db,
      sql`SELECT
         ARRAY(SELECT v FROM unnest(${q.sessionIds ?? []}::text[]) v WHERE NOT EXISTS (SELECT 1 FROM session s WHERE s.org_id = ${this.orgId} AND s.session_id = v)) AS sessions,
         ARRAY(SELECT host(v) FROM unnest(${q.clientIps ?? []}::inet[]) v WHERE NOT EXISTS (SELECT 1 FROM client_ip c WHERE c.org_id = ${this.orgId} AND c.address = v)) AS ips,
         ARRAY(SELECT v FROM unnest(${q.clientAppIds ?? []}::text[]) v
               WHERE NOT EXISTS (SELECT 1 FROM audit_record r WHERE r.org_id = ${this.orgId} AND r.client_app_id = v)) AS apps`,
    );
    return { sessionIds: row.sessions, clientIps: row.ips, clientAppIds: row.apps };
  }

  /** Presumed exposure: folders synced in the window by the matching actors, oldest first (the unknown folder included). */
  async syncedFolders(q: ExposureQuery, related: RelatedRows): Promise<FolderSyncType[]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT s.* FROM ${WITH_FOLDER('folder_sync')} s WHERE ${exposureWhere(this.orgId, q, 's', 'synced_at')} ORDER BY s.synced_at, s.id`,
    );
    return rows.map((r) => {
      noteRelated(r, related);
      return folderSyncFromRow(r);
    });
  }
}
