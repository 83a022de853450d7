/**
 * Dashboard aggregates: time series (records, operations and distinct messages per bucket, aligned to the interval
 * in UTC, empty buckets included, one series per group value, the `top` groups by records) and top-N tables (the
 * group values ranked by the messages they bound). One statement whatever the number of buckets, series or rows,
 * plus one for COUNTRY and ASN, whose keys come from the shipped IP enrichment (src/enrich), not from a column.
 */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import { UserInputError } from '../../errors';
import { appDisplayName, ipAsn, ipCountry } from '../../enrich';
import { addressIsSql } from './rows';
import { overlapsSql } from './time-range';

export type ActivityInterval = 'MINUTE' | 'HOUR' | 'DAY';
export type ActivityGroup = 'NONE' | 'MAILBOX' | 'CLIENT_IP' | 'SESSION' | 'APP' | 'OPERATION' | 'COUNTRY' | 'ASN';

export const INTERVAL_MS: Record<ActivityInterval, number> = { MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };
/** Buckets one series may hold: a year of hours, or a week of minutes. */
export const MAX_BUCKETS = 10_000;
export const MAX_TOP = 100;

/** Which records an aggregate counts, and what it groups them by. */
export interface ActivityScope {
  from: Date;
  to: Date;
  groupBy: ActivityGroup;
  /** Lower-cased UPN, canonical IP: as args.ts canonicalises them. */
  mailbox: string | null;
  clientIp: string | null;
  sessionId: string | null;
  appId: string | null;
  operation: string | null;
}

export interface ActivityQuery extends ActivityScope {
  interval: ActivityInterval;
  top: number;
}

export interface ActivityTopQuery extends ActivityScope {
  first: number;
}

/** One row of a top-N table: a group value and what its records add up to in the window. */
export interface ActivityTopRow {
  key: string | null;
  label: string | null;
  records: number;
  operations: number;
  messages: number;
  firstSeen: Date;
  lastSeen: Date;
}

export interface ActivityBucket {
  start: Date;
  records: number;
  operations: number;
  messages: number;
}

export interface ActivitySeries {
  key: string | null;
  label: string | null;
  buckets: ActivityBucket[];
}

type ColumnGroup = Exclude<ActivityGroup, 'COUNTRY' | 'ASN'>;

/** The group's value of record `r` (joined tables are only joined when grouped by them). */
const GROUP_KEY: Record<ColumnGroup, { key: Sql; join: Sql }> = {
  NONE: { key: sql`NULL::text`, join: sql.empty },
  MAILBOX: { key: sql`m.user_principal_name`, join: sql`LEFT JOIN mailbox m ON m.id = r.mailbox_id AND m.org_id = r.org_id` },
  CLIENT_IP: { key: sql`coalesce(host(c.address), c.verbatim)`, join: sql`LEFT JOIN client_ip c ON c.id = r.client_ip_id AND c.org_id = r.org_id` },
  SESSION: { key: sql`s.session_id`, join: sql`LEFT JOIN session s ON s.id = r.session_id AND s.org_id = r.org_id` },
  APP: { key: sql`coalesce(r.client_app_id, r.app_id)`, join: sql.empty },
  OPERATION: { key: sql`r.operation`, join: sql.empty },
};

/** A group's key SQL, and readable names for its keys where the shipped data has them (see labelOf). */
interface Grouping {
  key: Sql;
  join: Sql;
  labels?: Map<string, string>;
}

/** A key and its label (an AS's organisation) computed from a client address by the shipped enrichment. */
const ENRICHED_KEY: Record<'COUNTRY' | 'ASN', (address: string) => { key: string; label: string | null } | null> = {
  COUNTRY: (address) => {
    const country = ipCountry(address);
    return country === null ? null : { key: country, label: null };
  },
  ASN: (address) => {
    const asn = ipAsn(address);
    return asn === null ? null : { key: String(asn.asn), label: asn.organization };
  },
};

/** A readable name for a key: an app's display name, an AS's organisation; null where there is none. */
function labelOf(groupBy: ActivityGroup, group: Grouping, key: string | null): string | null {
  if (key === null) return null;
  if (groupBy === 'APP') return appDisplayName(key);
  return group.labels?.get(key) ?? null;
}

/**
 * Groupings with many values in a tenant (thousands of IPs, mailboxes, sessions): their series and top-N tables group
 * the records by their own id column and name only the groups they answer (`name`, joined as alias `k` on `t.gid`).
 */
const BY_ID: Partial<Record<ActivityGroup, { column: Sql; join: (org: number) => Sql; name: Sql }>> = {
  CLIENT_IP: { column: sql`r.client_ip_id`, join: (org) => sql`LEFT JOIN client_ip k ON k.id = t.gid AND k.org_id = ${org}`, name: sql`coalesce(host(k.address), k.verbatim)` },
  MAILBOX: { column: sql`r.mailbox_id`, join: (org) => sql`LEFT JOIN mailbox k ON k.id = t.gid AND k.org_id = ${org}`, name: sql`k.user_principal_name` },
  SESSION: { column: sql`r.session_id`, join: (org) => sql`LEFT JOIN session k ON k.id = t.gid AND k.org_id = ${org}`, name: sql`k.session_id` },
};

const checkWindow = (q: ActivityScope) => {
  if (q.from > q.to) throw new UserInputError(`from (${q.from.toISOString()}) is after to (${q.to.toISOString()}): swap them.`);
};

const checkCount = (name: string, value: number) => {
  if (!Number.isInteger(value) || value < 1 || value > MAX_TOP) throw new UserInputError(`${name} must be between 1 and ${MAX_TOP} (got ${value}).`);
};

export class ActivityService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  async series(q: ActivityQuery): Promise<ActivitySeries[]> {
    checkWindow(q);
    const step = INTERVAL_MS[q.interval];
    const buckets = Math.floor(q.to.getTime() / step) - Math.floor(q.from.getTime() / step) + 1;
    if (buckets > MAX_BUCKETS) {
      throw new UserInputError(`${buckets} ${q.interval} buckets from ${q.from.toISOString()} to ${q.to.toISOString()}; the limit is ${MAX_BUCKETS}: use a longer interval or a shorter window.`);
    }
    checkCount('top', q.top);
    const org = this.orgId;
    const width = sql`${`${step / 1000} seconds`}::interval`;
    const bucketOf = (column: Sql) => sql`date_bin(${width}, ${column}, TIMESTAMPTZ '1970-01-01 00:00:00+00')`;
    const where = this.recordsIn(q);
    const group = await this.groupOf(q);
    // Each (bucket, group) counts its distinct messages through message_access, the costly part. Grouped by a dimension
    // with many values, most of those counts were for groups outside the top: there the top groups are picked by their
    // records first, by the records' own id column, and only theirs are counted (a whole tenant at 1M records, hourly:
    // by mailbox 2.9 -> 0.4 s, by client IP 2.3 -> 1.0 s through the API). With few values (NONE, APP, OPERATION,
    // COUNTRY, ASN) the top holds most records anyway, and one parallel pass is faster. docs/PERFORMANCE.md, tenth session.
    const messages = sql`(SELECT count(DISTINCT a.message_id) FROM message_access a WHERE a.org_id = ${org} AND a.record_id = ANY(array_agg(p.id)))`;
    const slots = sql`slots AS (
            SELECT generate_series(${bucketOf(sql`${q.from}::timestamptz`)}, ${bucketOf(sql`${q.to}::timestamptz`)}, ${width}) AS start
          )`;
    const byId = BY_ID[q.groupBy];
    const statement = byId
      ? sql`WITH picked AS MATERIALIZED (
            SELECT r.id, ${bucketOf(sql`r.creation_time`)} AS start, ${byId.column} AS gid, coalesce(r.operation_count, 1) AS operations
            FROM audit_record r
            WHERE ${sql.join(where, sql` AND `)}
          ),
          totals AS (SELECT gid, count(*) AS total FROM picked GROUP BY gid),
          top AS (
            -- Named only where they can rank: a total below the top's smallest cannot, whatever its name.
            SELECT t.gid, t.total, ${byId.name} AS key FROM totals t ${byId.join(org)}
            WHERE t.total >= coalesce((SELECT total FROM totals ORDER BY total DESC LIMIT 1 OFFSET ${q.top - 1}), 0)
            ORDER BY t.total DESC, key NULLS FIRST LIMIT ${q.top}
          ),
          counted AS (
            SELECT p.start, p.gid, count(*) AS records, sum(p.operations) AS operations, ${messages} AS messages
            FROM picked p JOIN top t ON (p.gid IS NULL) = (t.gid IS NULL) AND coalesce(p.gid, 0) = coalesce(t.gid, 0)
            GROUP BY p.start, p.gid
          ),
          ${slots}
          SELECT t.key, s.start, coalesce(c.records, 0) AS records, coalesce(c.operations, 0) AS operations, coalesce(c.messages, 0) AS messages
          FROM top t CROSS JOIN slots s
          LEFT JOIN counted c ON c.gid IS NOT DISTINCT FROM t.gid AND c.start = s.start
          ORDER BY t.total DESC, t.key NULLS FIRST, s.start`
      : sql`WITH picked AS (
            SELECT r.id, ${bucketOf(sql`r.creation_time`)} AS start, ${group.key} AS key, coalesce(r.operation_count, 1) AS operations
            FROM audit_record r ${group.join}
            WHERE ${sql.join(where, sql` AND `)}
          ),
          counted AS (
            SELECT p.start, p.key, count(*) AS records, sum(p.operations) AS operations, ${messages} AS messages
            FROM picked p GROUP BY p.start, p.key
          ),
          top AS (
            SELECT key, sum(records) AS total FROM counted GROUP BY key ORDER BY total DESC, key NULLS FIRST LIMIT ${q.top}
          ),
          ${slots}
          SELECT t.key, s.start, coalesce(c.records, 0) AS records, coalesce(c.operations, 0) AS operations, coalesce(c.messages, 0) AS messages
          FROM top t CROSS JOIN slots s
          LEFT JOIN counted c ON c.key IS NOT DISTINCT FROM t.key AND c.start = s.start
          ORDER BY t.total DESC, t.key NULLS FIRST, s.start`;
    const rows: { key: string | null; start: Date; records: string; operations: string; messages: string }[] = await run(this.db, statement);
    const series: ActivitySeries[] = [];
    for (const row of rows) {
      let last = series[series.length - 1];
      if (!last || last.key !== row.key) series.push((last = { key: row.key, label: labelOf(q.groupBy, group, row.key), buckets: [] }));
      last.buckets.push({ start: row.start, records: Number(row.records), operations: Number(row.operations), messages: Number(row.messages) });
    }
    // No record in the window: NONE still answers its (empty) buckets, so a panel draws zeros, not "no data".
    if (series.length === 0 && q.groupBy === 'NONE') {
      const first = Math.floor(q.from.getTime() / step) * step;
      series.push({ key: null, label: null, buckets: Array.from({ length: buckets }, (_, i) => ({ start: new Date(first + i * step), records: 0, operations: 0, messages: 0 })) });
    }
    return series;
  }

  /** The group values ranked by distinct messages bound, then records: "which IPs / apps / sessions read the most". */
  async top(q: ActivityTopQuery): Promise<ActivityTopRow[]> {
    checkWindow(q);
    checkCount('first', q.first);
    const group = await this.groupOf(q);
    const statement = q.groupBy === 'SESSION' ? this.topSessions(q) : this.topGroups(q, group);
    const rows: { key: string | null; records: string; operations: string; messages: string; first_seen: Date; last_seen: Date }[] = await run(this.db, statement);
    return rows.map((row) => ({
      key: row.key,
      label: labelOf(q.groupBy, group, row.key),
      records: Number(row.records),
      operations: Number(row.operations),
      messages: Number(row.messages),
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
    }));
  }

  /**
   * activityTop's statement for any grouping. Grouped by a dimension with many values, by the records' own id column
   * (BY_ID), named at the end. A group's records and its messages are two aggregates, added up by group rather than
   * joined: the planner cannot tell how many groups an aggregate of a CTE has (it assumes 200), so it joined them by
   * comparing every group with every other, and activityTop by SESSION over a 1M-record tenant (110,000 sessions) ran
   * into the 30 s statement timeout (docs/PERFORMANCE.md, tenth session). GROUP BY puts a null key in one group, as
   * IS NOT DISTINCT FROM did.
   */
  private topGroups(q: ActivityTopQuery, group: Grouping): Sql {
    const org = this.orgId;
    const byId = BY_ID[q.groupBy];
    const g = byId ? sql`gid` : sql`key`;
    return sql`WITH picked AS (
            SELECT r.id, r.creation_time, ${byId ? byId.column : group.key} AS ${g}, coalesce(r.operation_count, 1) AS operations
            FROM audit_record r ${byId ? sql.empty : group.join}
            WHERE ${sql.join(this.recordsIn(q), sql` AND `)}
          ),
          counted AS (
            SELECT ${g}, sum(records) AS records, sum(operations) AS operations, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
                   sum(messages) AS messages
            FROM (
              SELECT p.${g}, count(*) AS records, sum(p.operations) AS operations, min(p.creation_time) AS first_seen,
                     max(p.creation_time) AS last_seen, 0 AS messages
              FROM picked p GROUP BY p.${g}
              UNION ALL
              SELECT p.${g}, 0, 0, NULL, NULL, count(DISTINCT a.message_id)
              FROM picked p JOIN message_access a ON a.org_id = ${org} AND a.record_id = p.id GROUP BY p.${g}
            ) parts
            GROUP BY ${g}
          )
          SELECT ${byId ? byId.name : sql`t.key`} AS key, t.records, t.operations, t.messages, t.first_seen, t.last_seen
          FROM counted t ${byId ? byId.join(org) : sql.empty}
          ORDER BY t.messages DESC, t.records DESC, key NULLS LAST LIMIT ${q.first}`;
  }

  /**
   * activityTop by SESSION. A tenant has a session per few records (110,000 at 1M, 1.1 million at 10M), and counting
   * every one's distinct messages took 3 s at 1M and 22 s at 10M. A session's kept count (session-counts.ts) is its
   * distinct messages over all its records, so no window or filter can give it more: sessions are counted exactly in
   * the order of their kept counts, the first few, and then only those whose kept count reaches the smallest of the
   * best `first` found. A session without a kept count (being imported) and the records without a session are always
   * counted. Exact: a session left out has a kept count, hence messages, below `first` counted ones.
   */
  private topSessions(q: ActivityTopQuery): Sql {
    const org = this.orgId;
    const scope = () => sql.join(this.recordsIn(q), sql` AND `);
    const candidates = q.first * 4;
    const messagesOf = (session: Sql) => sql`(SELECT count(DISTINCT a.message_id) FROM audit_record r
        JOIN message_access a ON a.org_id = r.org_id AND a.record_id = r.id WHERE ${scope()} AND ${session})`;
    return sql`WITH groups AS (
            SELECT r.session_id AS gid, count(*) AS records, sum(coalesce(r.operation_count, 1)) AS operations,
                   min(r.creation_time) AS first_seen, max(r.creation_time) AS last_seen
            FROM audit_record r WHERE ${scope()} GROUP BY 1
          ),
          ranked AS (
            SELECT g.*, s.bound_message_count AS bound, row_number() OVER (ORDER BY s.bound_message_count DESC NULLS FIRST, g.gid) AS rn
            FROM groups g LEFT JOIN session s ON s.id = g.gid AND s.org_id = ${org}
          ),
          first_pass AS (
            SELECT c.gid, c.records, c.operations, c.first_seen, c.last_seen, ${messagesOf(sql`r.session_id = c.gid`)} AS messages
            FROM ranked c WHERE c.gid IS NOT NULL AND (c.rn <= ${candidates} OR c.bound IS NULL)
            UNION ALL
            SELECT c.gid, c.records, c.operations, c.first_seen, c.last_seen, ${messagesOf(sql`r.session_id IS NULL`)}
            FROM ranked c WHERE c.gid IS NULL
          ),
          threshold AS (
            SELECT CASE WHEN count(*) < ${q.first} THEN 0 ELSE min(messages) END AS t
            FROM (SELECT messages FROM first_pass ORDER BY messages DESC LIMIT ${q.first}) best
          ),
          second_pass AS (
            SELECT c.gid, c.records, c.operations, c.first_seen, c.last_seen, ${messagesOf(sql`r.session_id = c.gid`)} AS messages
            FROM ranked c, threshold th WHERE c.gid IS NOT NULL AND c.rn > ${candidates} AND c.bound IS NOT NULL AND c.bound >= th.t
          )
          SELECT k.session_id AS key, t.records, t.operations, t.messages, t.first_seen, t.last_seen
          FROM (SELECT * FROM first_pass UNION ALL SELECT * FROM second_pass) t
          LEFT JOIN session k ON k.id = t.gid AND k.org_id = ${org}
          ORDER BY t.messages DESC, t.records DESC, key NULLS LAST LIMIT ${q.first}`;
  }

  /** The records an aggregate counts (alias `r`). */
  private recordsIn(q: ActivityScope): Sql[] {
    const org = this.orgId;
    const where: Sql[] = [sql`r.org_id = ${org}`, sql`r.creation_time >= ${q.from}`, sql`r.creation_time <= ${q.to}`];
    if (q.mailbox) where.push(sql`r.mailbox_id = (SELECT id FROM mailbox WHERE org_id = ${org} AND user_principal_name = ${q.mailbox})`);
    if (q.clientIp) where.push(sql`r.client_ip_id = (SELECT c.id FROM client_ip c WHERE c.org_id = ${org} AND ${addressIsSql('c', q.clientIp)})`);
    if (q.sessionId) where.push(sql`r.session_id IN (SELECT id FROM session WHERE org_id = ${org} AND session_id IN (${q.sessionId}, lower(${q.sessionId})))`);
    if (q.appId) where.push(sql`coalesce(r.client_app_id, r.app_id) IN (${q.appId}, lower(${q.appId}))`);
    if (q.operation) where.push(sql`r.operation = ${q.operation}`);
    return where;
  }

  /**
   * The key of a record under `groupBy`. COUNTRY and ASN: the addresses seen in the window (in the mailbox, when
   * one is asked for) are read once, keyed here by the enrichment, and joined back as a table of (id, key).
   */
  private async groupOf(q: ActivityScope): Promise<Grouping> {
    if (q.groupBy !== 'COUNTRY' && q.groupBy !== 'ASN') return GROUP_KEY[q.groupBy];
    const org = this.orgId;
    const addresses: { id: string; address: string }[] = await run(
      this.db,
      q.mailbox
        ? sql`SELECT c.id::text, host(c.address) AS address FROM client_ip_mailbox cm JOIN client_ip c ON c.id = cm.client_ip_id
              WHERE cm.org_id = ${org} AND cm.mailbox_id = (SELECT id FROM mailbox WHERE org_id = ${org} AND user_principal_name = ${q.mailbox})
                AND c.address IS NOT NULL AND ${overlapsSql(sql`cm.first_seen`, sql`cm.last_seen`, q)}`
        : sql`SELECT c.id::text, host(c.address) AS address FROM client_ip c
              WHERE c.org_id = ${org} AND c.address IS NOT NULL AND ${overlapsSql(sql`c.first_seen`, sql`c.last_seen`, q)}`,
    );
    const enrich = ENRICHED_KEY[q.groupBy];
    const ids: string[] = [];
    const keys: string[] = [];
    const labels = new Map<string, string>();
    for (const { id, address } of addresses) {
      const found = enrich(address);
      if (!found) continue;
      ids.push(id);
      keys.push(found.key);
      if (found.label) labels.set(found.key, found.label);
    }
    return {
      key: sql`g.key`,
      join: sql`LEFT JOIN unnest(${ids}::bigint[], ${keys}::text[]) AS g(id, key) ON g.id = r.client_ip_id`,
      labels,
    };
  }
}
