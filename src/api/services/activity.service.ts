/**
 * Time series for dashboards: records, operations and distinct messages per bucket (aligned to the interval in
 * UTC, empty buckets included), one series per group value, the `top` groups by records. One statement whatever
 * the number of buckets or series.
 */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import { UserInputError } from '../../errors';
import { addressIsSql } from './rows';

export type ActivityInterval = 'MINUTE' | 'HOUR' | 'DAY';
export type ActivityGroup = 'NONE' | 'MAILBOX' | 'CLIENT_IP' | 'SESSION' | 'APP' | 'OPERATION';

export const INTERVAL_MS: Record<ActivityInterval, number> = { MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };
/** Buckets one series may hold: a year of hours, or a week of minutes. */
export const MAX_BUCKETS = 10_000;
export const MAX_TOP = 100;

export interface ActivityQuery {
  interval: ActivityInterval;
  from: Date;
  to: Date;
  groupBy: ActivityGroup;
  /** Lower-cased UPN, canonical IP: as args.ts canonicalises them. */
  mailbox: string | null;
  clientIp: string | null;
  sessionId: string | null;
  appId: string | null;
  operation: string | null;
  top: number;
}

export interface ActivityBucket {
  start: Date;
  records: number;
  operations: number;
  messages: number;
}

export interface ActivitySeries {
  key: string | null;
  buckets: ActivityBucket[];
}

/** The group's value of record `r` (joined tables are only joined when grouped by them). */
const GROUP_KEY: Record<ActivityGroup, { key: Sql; join: Sql }> = {
  NONE: { key: sql`NULL::text`, join: sql.empty },
  MAILBOX: { key: sql`m.user_principal_name`, join: sql`LEFT JOIN mailbox m ON m.id = r.mailbox_id AND m.org_id = r.org_id` },
  CLIENT_IP: { key: sql`coalesce(host(c.address), c.verbatim)`, join: sql`LEFT JOIN client_ip c ON c.id = r.client_ip_id AND c.org_id = r.org_id` },
  SESSION: { key: sql`s.session_id`, join: sql`LEFT JOIN session s ON s.id = r.session_id AND s.org_id = r.org_id` },
  APP: { key: sql`coalesce(r.client_app_id, r.app_id)`, join: sql.empty },
  OPERATION: { key: sql`r.operation`, join: sql.empty },
};

export class ActivityService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  async series(q: ActivityQuery): Promise<ActivitySeries[]> {
    if (q.from > q.to) throw new UserInputError(`from (${q.from.toISOString()}) is after to (${q.to.toISOString()}): swap them.`);
    const step = INTERVAL_MS[q.interval];
    const buckets = Math.floor(q.to.getTime() / step) - Math.floor(q.from.getTime() / step) + 1;
    if (buckets > MAX_BUCKETS) {
      throw new UserInputError(`${buckets} ${q.interval} buckets from ${q.from.toISOString()} to ${q.to.toISOString()}; the limit is ${MAX_BUCKETS}: use a longer interval or a shorter window.`);
    }
    if (!Number.isInteger(q.top) || q.top < 1 || q.top > MAX_TOP) throw new UserInputError(`top must be between 1 and ${MAX_TOP} (got ${q.top}).`);
    const org = this.orgId;
    const width = sql`${`${step / 1000} seconds`}::interval`;
    const bucketOf = (column: Sql) => sql`date_bin(${width}, ${column}, TIMESTAMPTZ '1970-01-01 00:00:00+00')`;
    const where: Sql[] = [sql`r.org_id = ${org}`, sql`r.creation_time >= ${q.from}`, sql`r.creation_time <= ${q.to}`];
    if (q.mailbox) where.push(sql`r.mailbox_id = (SELECT id FROM mailbox WHERE org_id = ${org} AND user_principal_name = ${q.mailbox})`);
    if (q.clientIp) where.push(sql`r.client_ip_id = (SELECT c.id FROM client_ip c WHERE c.org_id = ${org} AND ${addressIsSql('c', q.clientIp)})`);
    if (q.sessionId) where.push(sql`r.session_id IN (SELECT id FROM session WHERE org_id = ${org} AND session_id IN (${q.sessionId}, lower(${q.sessionId})))`);
    if (q.appId) where.push(sql`coalesce(r.client_app_id, r.app_id) IN (${q.appId}, lower(${q.appId}))`);
    if (q.operation) where.push(sql`r.operation = ${q.operation}`);
    const group = GROUP_KEY[q.groupBy];
    const rows: { key: string | null; start: Date; records: string; operations: string; messages: string }[] = await run(
      this.db,
      sql`WITH picked AS (
            SELECT r.id, ${bucketOf(sql`r.creation_time`)} AS start, ${group.key} AS key, coalesce(r.operation_count, 1) AS operations
            FROM audit_record r ${group.join}
            WHERE ${sql.join(where, sql` AND `)}
          ),
          counted AS (
            SELECT p.start, p.key, count(*) AS records, sum(p.operations) AS operations,
                   (SELECT count(DISTINCT a.message_id) FROM message_access a
                     WHERE a.org_id = ${org} AND a.record_id = ANY(array_agg(p.id))) AS messages
            FROM picked p GROUP BY p.start, p.key
          ),
          top AS (
            SELECT key, sum(records) AS total FROM counted GROUP BY key ORDER BY total DESC, key NULLS FIRST LIMIT ${q.top}
          ),
          slots AS (
            SELECT generate_series(${bucketOf(sql`${q.from}::timestamptz`)}, ${bucketOf(sql`${q.to}::timestamptz`)}, ${width}) AS start
          )
          SELECT t.key, s.start, coalesce(c.records, 0) AS records, coalesce(c.operations, 0) AS operations, coalesce(c.messages, 0) AS messages
          FROM top t CROSS JOIN slots s
          LEFT JOIN counted c ON c.key IS NOT DISTINCT FROM t.key AND c.start = s.start
          ORDER BY t.total DESC, t.key NULLS FIRST, s.start`,
    );
    const series: ActivitySeries[] = [];
    for (const row of rows) {
      let last = series[series.length - 1];
      if (!last || last.key !== row.key) series.push((last = { key: row.key, buckets: [] }));
      last.buckets.push({ start: row.start, records: Number(row.records), operations: Number(row.operations), messages: Number(row.messages) });
    }
    // No record in the window: NONE still answers its (empty) buckets, so a panel draws zeros, not "no data".
    if (series.length === 0 && q.groupBy === 'NONE') {
      const first = Math.floor(q.from.getTime() / step) * step;
      series.push({ key: null, buckets: Array.from({ length: buckets }, (_, i) => ({ start: new Date(first + i * step), records: 0, operations: 0, messages: 0 })) });
    }
    return series;
  }
}
