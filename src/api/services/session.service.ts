/** Sessions (SessionId, else AADSessionId) and what each one did: tallies, identities, clients, bound messages. */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import type { OperationTally } from '../graphql/types/common.type';
import type { SessionType } from '../graphql/types/entities.type';
import type { ChildPageQuery, ConnectionResult } from '../../db/pages';
import { keysetPage, timeKey } from './keyset';
import { ACCESSES, COUNTED_ACCESSES, addressIsSql, groupedInKeyOrder, inKeyOrder, SESSION_COLUMNS, sessionFromRow } from './rows';
import { TAG_KEY_SQL, tagFilterSql, type TagFilter } from './tag.service';
import { hasBound, overlapsSql, recordsInWindowSql, type TimeRange } from './time-range';

export interface SessionFilter extends TimeRange, TagFilter {
  /** Lower-cased UPN. */
  mailbox: string | null;
  /** Canonical IP, or a non-IP address as written. */
  clientIp: string | null;
}

/** What a session's records say about who and what it was; one statement for all sessions of a response. */
export interface SessionRecordFacets {
  userIds: string[];
  clientInfoStrings: string[];
  appIds: string[];
  bindOperationCount: number;
}

export class SessionService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  async findBySessionId(sessionId: string): Promise<SessionType | null> {
    const id = sessionId.trim();
    const spellings = [...new Set([id, id.toLowerCase(), id.toUpperCase()])];
    // An AADSessionId that only ever came with a SessionId names the Exchange session(s) of that sign-in.
    const rows = await run(
      this.db,
      sql`SELECT ${SESSION_COLUMNS('s')} FROM session s WHERE s.org_id = ${this.orgId}
        AND (s.session_id = ANY(${spellings}::text[]) OR s.entra_session_id = ANY(${spellings}::text[]))
        ORDER BY s.session_id = ${id} DESC, s.session_id = ANY(${spellings}::text[]) DESC, s.first_seen, s.id LIMIT 1`,
      'generic',
    );
    return rows.length ? sessionFromRow(rows[0]) : null;
  }

  /**
   * Ordered by firstSeen. from/to keep the sessions with at least one record in the window on that IP / in that
   * mailbox when clientIp / mailbox is given; otherwise those whose first-to-last span overlaps the window.
   */
  page(filter: SessionFilter, limit: number, after: string | null | undefined): Promise<ConnectionResult<SessionType>> {
    const joins: Sql[] = [];
    const where: Sql[] = [sql`s.org_id = ${this.orgId}`];
    if (filter.clientIp) {
      joins.push(sql`JOIN session_client_ip sci ON sci.session_id = s.id AND sci.org_id = s.org_id
        AND sci.client_ip_id = (SELECT c.id FROM client_ip c WHERE c.org_id = ${this.orgId} AND ${addressIsSql('c', filter.clientIp)})`);
      where.push(overlapsSql(sql`sci.first_seen`, sql`sci.last_seen`, filter));
    }
    if (filter.mailbox) {
      joins.push(sql`JOIN session_mailbox sm ON sm.session_id = s.id AND sm.org_id = s.org_id
        AND sm.mailbox_id = (SELECT id FROM mailbox WHERE org_id = ${this.orgId} AND user_principal_name = ${filter.mailbox})`);
      where.push(overlapsSql(sql`sm.first_seen`, sql`sm.last_seen`, filter));
    }
    if (!joins.length) where.push(overlapsSql(sql`s.first_seen`, sql`s.last_seen`, filter));
    // On an IP or in a mailbox the spans above are a cheap first cut; a record there in the window decides.
    // Overall, a session whose span covers the window was alive in it (the span is the session's own).
    if (joins.length) {
      const links = [sql`r.session_id = s.id`];
      if (filter.clientIp) links.push(sql`r.client_ip_id = sci.client_ip_id`);
      if (filter.mailbox) links.push(sql`r.mailbox_id = sm.mailbox_id`);
      where.push(recordsInWindowSql(this.orgId, links, filter));
    }
    where.push(...tagFilterSql(this.orgId, 'SESSION', TAG_KEY_SQL.SESSION('s'), filter));
    return keysetPage({
      db: this.db,
      from: sql`session s ${sql.join(joins, sql` `)}`,
      select: SESSION_COLUMNS('s'),
      where,
      order: { columns: [sql`s.first_seen`, sql`s.id`], types: ['timestamptz', 'bigint'] },
      after,
      limit,
      toNode: sessionFromRow,
      keyOf: (s) => [timeKey(s.firstSeen), s.id],
    });
  }

  async byIds(ids: readonly string[]): Promise<(SessionType | null)[]> {
    const rows = await run(
      this.db,
      sql`SELECT ${SESSION_COLUMNS('s')} FROM session s WHERE s.org_id = ${this.orgId} AND s.id = ANY(${ids}::bigint[])`,
    );
    return inKeyOrder(ids, rows.map(sessionFromRow), (s) => s.id);
  }

  /**
   * Sessions of a client IP or a mailbox (through the link tables), ordered by firstSeen; from/to keep those with
   * at least one record on that IP / in that mailbox in the window.
   */
  sessionsOf(link: 'client_ip' | 'mailbox', range: TimeRange, tags: TagFilter = {}): ChildPageQuery<SessionType> {
    const table = sql.ident(link === 'client_ip' ? 'session_client_ip' : 'session_mailbox');
    return {
      from: sql`(SELECT ${sql.ident('l', `${link}_id`)} AS parent_id, l.first_seen AS link_first_seen, l.last_seen AS link_last_seen, s.*
              FROM ${table} l JOIN session s ON s.id = l.session_id AND s.org_id = l.org_id WHERE l.org_id = ${this.orgId})`,
      parent: { column: 'parent_id', type: 'bigint' },
      sort: { column: 'first_seen', type: 'timestamptz' },
      // Ordered by the session's firstSeen, which no index of the link table gives: an IP's page reads every link
      // anyway, so their count comes with it (contract 01: one statement less). A mailbox's sessions keep their own
      // count (not measured here).
      countWithPage: link === 'client_ip',
      select: SESSION_COLUMNS('t'),
      where: sql`${overlapsSql(sql`t.link_first_seen`, sql`t.link_last_seen`, range)}
        AND ${recordsInWindowSql(this.orgId, [sql`r.session_id = t.id`, sql`${sql.ident('r', `${link}_id`)} = t.parent_id`], range)}
        AND ${sql.join([sql`true`, ...tagFilterSql(this.orgId, 'SESSION', TAG_KEY_SQL.SESSION('t'), tags)], sql` AND `)}`,
      plan: hasBound(range) || tags.tagged?.length || tags.notTagged?.length ? 'custom' : 'generic',
      toNode: sessionFromRow,
      keyOf: (s) => [timeKey(s.firstSeen), s.id],
    };
  }

  /** Per-operation tallies, most frequent first, then by name. */
  async operationsBySessionIds(sessionIds: readonly string[]): Promise<OperationTally[][]> {
    const rows: { key: string; operation: string; n: string }[] = await run(
      this.db,
      sql`SELECT r.session_id::text AS key, r.operation, count(*) AS n FROM audit_record r
       WHERE r.org_id = ${this.orgId} AND r.session_id = ANY(${sessionIds}::bigint[]) GROUP BY 1, 2 ORDER BY 1, n DESC, r.operation`,
      'generic',
    );
    return groupedInKeyOrder(sessionIds, rows.map((r) => ({ key: r.key, value: { operation: r.operation, count: Number(r.n) } })));
  }

  async recordFacetsBySessionIds(sessionIds: readonly string[]): Promise<SessionRecordFacets[]> {
    const rows: { key: string; user_ids: string[]; client_info_strings: string[]; app_ids: string[]; bind_ops: string }[] = await run(
      this.db,
      // user_id is NULL where it is the mailbox's UPN (storedUserId): those mailboxes' UPNs are added per session.
      // ClientInfoStrings by their dictionary ids, looked up once per session rather than once per record.
      sql`SELECT f.key, ARRAY(SELECT DISTINCT u FROM unnest(f.user_ids || ARRAY(
           SELECT m.user_principal_name FROM mailbox m WHERE m.org_id = ${this.orgId} AND m.id = ANY(f.owner_mailboxes))) u ORDER BY u) AS user_ids,
         ARRAY(SELECT c.text FROM client_info c WHERE c.org_id = ${this.orgId} AND c.id = ANY(f.client_info_ids) ORDER BY c.text) AS client_info_strings,
         f.app_ids, f.bind_ops
       FROM (SELECT r.session_id::text AS key,
         coalesce(array_agg(DISTINCT r.user_id) FILTER (WHERE r.user_id IS NOT NULL), '{}') AS user_ids,
         coalesce(array_agg(DISTINCT r.mailbox_id) FILTER (WHERE r.user_id IS NULL), '{}') AS owner_mailboxes,
         coalesce(array_agg(DISTINCT r.client_info_id) FILTER (WHERE r.client_info_id IS NOT NULL), '{}') AS client_info_ids,
         coalesce(array_agg(DISTINCT r.app_id ORDER BY r.app_id) FILTER (WHERE r.app_id IS NOT NULL), '{}') AS app_ids,
         coalesce(sum(r.operation_count) FILTER (WHERE r.mail_access_type = 'BIND'), 0) AS bind_ops
       FROM audit_record r WHERE r.org_id = ${this.orgId} AND r.session_id = ANY(${sessionIds}::bigint[]) GROUP BY 1) f`,
      'generic',
    );
    const byKey = new Map(rows.map((r) => [r.key, r]));
    return sessionIds.map((id) => {
      const r = byKey.get(id);
      return r
        ? { userIds: r.user_ids, clientInfoStrings: r.client_info_strings, appIds: r.app_ids, bindOperationCount: Number(r.bind_ops) }
        : { userIds: [], clientInfoStrings: [], appIds: [], bindOperationCount: 0 };
    });
  }

  /** Distinct messages bound in each session. */
  async boundMessageCountBySessionIds(sessionIds: readonly string[]): Promise<number[]> {
    const rows: { key: string; n: string }[] = await run(
      this.db,
      sql`SELECT a.session_id::text AS key, count(DISTINCT a.message_id) AS n FROM ${COUNTED_ACCESSES('message_access')} a
       WHERE a.org_id = ${this.orgId} AND a.session_id = ANY(${sessionIds}::bigint[]) GROUP BY 1`,
    );
    const byKey = new Map(rows.map((r) => [r.key, Number(r.n)]));
    return sessionIds.map((id) => byKey.get(id) ?? 0);
  }
}
