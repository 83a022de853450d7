/** Applications (ClientAppId, else AppId) and what each one touched: mailboxes, sessions, bound messages. */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import type { ConnectionResult } from '../../db/pages';
import type { AppType, MailboxType } from '../graphql/types/entities.type';
import { keysetPage, timeKey } from './keyset';
import { APP_COLUMNS, appFromRow, groupedInKeyOrder, inKeyOrder, MAILBOX_COLUMNS, mailboxFromRow } from './rows';
import { TAG_KEY_SQL, tagFilterSql, type TagFilter } from './tag.service';
import { overlapsSql, type TimeRange } from './time-range';

export interface AppFilter extends TimeRange, TagFilter {
  /** Lower-cased UPN: apps with records in this mailbox (in the window, when given). */
  mailbox: string | null;
}

/** A record's app key, as the importer computes it (src/import/normalize/app-identity.ts). */
const RECORD_APP_KEY = sql`lower(coalesce(r.client_app_id, r.app_id))`;

/** An app id as the user may write it (any case, {braces}) to the stored key. */
export const appKeyOf = (appId: string): string => appId.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();

export class AppService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  async findByAppId(appId: string): Promise<AppType | null> {
    return (await this.byAppIds([appKeyOf(appId)]))[0] ?? null;
  }

  /** Ordered by firstSeen; from/to keep apps active in the window (in that mailbox when one is given). */
  page(filter: AppFilter, limit: number, after: string | null | undefined): Promise<ConnectionResult<AppType>> {
    const where: Sql[] = [sql`a.org_id = ${this.orgId}`];
    let from = sql`app a`;
    if (filter.mailbox) {
      from = sql`app a JOIN app_mailbox am ON am.app_id = a.id AND am.org_id = a.org_id
        AND am.mailbox_id = (SELECT id FROM mailbox WHERE org_id = ${this.orgId} AND user_principal_name = ${filter.mailbox})`;
      where.push(overlapsSql(sql`am.first_seen`, sql`am.last_seen`, filter));
    } else {
      where.push(overlapsSql(sql`a.first_seen`, sql`a.last_seen`, filter));
    }
    where.push(...tagFilterSql(this.orgId, 'APP', TAG_KEY_SQL.APP('a'), filter));
    return keysetPage({
      db: this.db,
      from,
      select: APP_COLUMNS('a'),
      where,
      order: { columns: [sql`a.first_seen`, sql`a.id`], types: ['timestamptz', 'bigint'] },
      after,
      limit,
      toNode: appFromRow,
      keyOf: (a) => [timeKey(a.firstSeen), a.id],
    });
  }

  async byIds(ids: readonly string[]): Promise<(AppType | null)[]> {
    const rows = await run(this.db, sql`SELECT ${APP_COLUMNS('a')} FROM app a WHERE a.org_id = ${this.orgId} AND a.id = ANY(${ids}::bigint[])`);
    return inKeyOrder(ids, rows.map(appFromRow), (a) => a.id);
  }

  /** By app key (lower-case ClientAppId / AppId). */
  async byAppIds(appIds: readonly string[]): Promise<(AppType | null)[]> {
    const rows = await run(this.db, sql`SELECT ${APP_COLUMNS('a')} FROM app a WHERE a.org_id = ${this.orgId} AND a.app_id = ANY(${appIds}::text[])`);
    return inKeyOrder(appIds, rows.map(appFromRow), (a) => a.appId);
  }

  /** Apps with records in each mailbox (app_mailbox), by firstSeen. */
  async byMailboxIds(mailboxIds: readonly string[]): Promise<AppType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT l.mailbox_id::text AS key, ${APP_COLUMNS('a')} FROM app_mailbox l JOIN app a ON a.id = l.app_id AND a.org_id = l.org_id
       WHERE l.org_id = ${this.orgId} AND l.mailbox_id = ANY(${mailboxIds}::bigint[]) ORDER BY a.first_seen, a.id`,
    );
    return groupedInKeyOrder(mailboxIds, rows.map((r) => ({ key: String(r.key), value: appFromRow(r) })));
  }

  /** Apps of each session's records, by firstSeen. */
  async bySessionIds(sessionIds: readonly string[]): Promise<AppType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT s.key, ${APP_COLUMNS('a')}
       FROM (SELECT DISTINCT r.session_id::text AS key, ${RECORD_APP_KEY} AS app_key FROM audit_record r
             WHERE r.org_id = ${this.orgId} AND r.session_id = ANY(${sessionIds}::bigint[])) s
       JOIN app a ON a.org_id = ${this.orgId} AND a.app_id = s.app_key ORDER BY a.first_seen, a.id`,
    );
    return groupedInKeyOrder(sessionIds, rows.map((r) => ({ key: String(r.key), value: appFromRow(r) })));
  }

  /** Mailboxes each app touched, by UPN. */
  async mailboxesByAppIds(ids: readonly string[]): Promise<MailboxType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT l.app_id::text AS key, ${MAILBOX_COLUMNS('m')} FROM app_mailbox l JOIN mailbox m ON m.id = l.mailbox_id AND m.org_id = l.org_id
       WHERE l.org_id = ${this.orgId} AND l.app_id = ANY(${ids}::bigint[]) ORDER BY m.user_principal_name`,
    );
    return groupedInKeyOrder(ids, rows.map((r) => ({ key: String(r.key), value: mailboxFromRow(r) })));
  }

  /**
   * Distinct messages bound through each app: the count the import keeps on the app row (app-message-counts.ts);
   * an app a bulk load has not counted yet (NULL) is counted here, through its records' accesses.
   */
  async boundMessageCountByAppKeys(appKeys: readonly string[]): Promise<number[]> {
    const kept: { key: string; n: string | null }[] = await run(
      this.db,
      sql`SELECT app_id AS key, bound_message_count::text AS n FROM app WHERE org_id = ${this.orgId} AND app_id = ANY(${appKeys}::text[])`,
    );
    const byKey = new Map(kept.filter((r) => r.n !== null).map((r) => [r.key, Number(r.n)]));
    const uncounted = appKeys.filter((k) => !byKey.has(k));
    if (uncounted.length > 0) for (const [key, n] of await this.countBoundMessages(uncounted)) byKey.set(key, n);
    return appKeys.map((k) => byKey.get(k) ?? 0);
  }

  private async countBoundMessages(appKeys: readonly string[]): Promise<Map<string, number>> {
    // Keys are lower-cased; records keep the id as written, so both spellings use the indexes.
    const spellings = [...new Set(appKeys.flatMap((k) => [k, k.toUpperCase()]))];
    const rows: { key: string; n: string }[] = await run(
      this.db,
      sql`SELECT ${RECORD_APP_KEY} AS key, count(DISTINCT x.message_id) AS n
       FROM audit_record r JOIN message_access x ON x.record_id = r.id AND x.org_id = r.org_id
       WHERE r.org_id = ${this.orgId} AND (r.client_app_id = ANY(${spellings}::text[]) OR (r.client_app_id IS NULL AND r.app_id = ANY(${spellings}::text[])))
       GROUP BY 1`,
    );
    return new Map(rows.map((r) => [r.key, Number(r.n)]));
  }
}
