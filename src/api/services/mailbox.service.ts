/** Mailboxes, their folders and the windows in which throttling stopped Bind auditing. */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import type { TimeWindow } from '../graphql/types/common.type';
import type { FolderType, MailboxType } from '../graphql/types/entities.type';
import type { ConnectionResult } from '../../db/pages';
import { keysetPage } from './keyset';
import { TAG_KEY_SQL, tagFilterSql, type TagFilter } from './tag.service';
import { ACCESSES, folderFromRow, groupedInKeyOrder, inKeyOrder, MAILBOX_COLUMNS, mailboxFromRow } from './rows';

export interface MailboxFilter extends TagFilter {
  throttled?: boolean | null;
  userPrincipalNameContains?: string | null;
}

/** Bind auditing stops for 24 hours after a throttled record (Microsoft's MailItemsAccessed documentation). */
export const UNAUDITED_HOURS = 24;

export class MailboxService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /** UPNs are stored lower-cased; so is the lookup. */
  async findByUpn(userPrincipalName: string): Promise<MailboxType | null> {
    const rows = await run(
      this.db,
      sql`SELECT ${MAILBOX_COLUMNS('m')} FROM mailbox m WHERE m.org_id = ${this.orgId} AND m.user_principal_name = ${userPrincipalName.trim().toLowerCase()}`,
    );
    return rows.length ? mailboxFromRow(rows[0]) : null;
  }

  /** The mailboxes of these UPNs (lower-cased), in the order asked; null where no record names one. */
  async byUpns(userPrincipalNames: readonly string[]): Promise<(MailboxType | null)[]> {
    const upns = userPrincipalNames.map((u) => u.trim().toLowerCase());
    const rows = await run(this.db, sql`SELECT ${MAILBOX_COLUMNS('m')} FROM mailbox m WHERE m.org_id = ${this.orgId} AND m.user_principal_name = ANY(${upns}::text[])`);
    return inKeyOrder(upns, rows.map(mailboxFromRow), (m) => m.userPrincipalName);
  }

  /** Ordered by UPN. `throttled` = at least one record with IsThrottled=True. */
  page(filter: MailboxFilter, limit: number, after: string | null | undefined): Promise<ConnectionResult<MailboxType>> {
    const where: Sql[] = [sql`m.org_id = ${this.orgId}`];
    if (filter.throttled === true) where.push(sql`m.throttled_record_count > 0`);
    if (filter.throttled === false) where.push(sql`m.throttled_record_count = 0`);
    if (filter.userPrincipalNameContains) {
      const pattern = `%${filter.userPrincipalNameContains.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(sql`m.user_principal_name LIKE ${pattern}`);
    }
    where.push(...tagFilterSql(this.orgId, 'MAILBOX', TAG_KEY_SQL.MAILBOX('m'), filter));
    return keysetPage({
      db: this.db,
      from: sql`mailbox m`,
      select: MAILBOX_COLUMNS('m'),
      where,
      order: { columns: [sql`m.user_principal_name`, sql`m.id`], types: ['text', 'bigint'] },
      after,
      limit,
      toNode: mailboxFromRow,
      keyOf: (m) => [m.userPrincipalName, m.id],
    });
  }

  async byIds(ids: readonly string[]): Promise<(MailboxType | null)[]> {
    const rows = await run(this.db, sql`SELECT ${MAILBOX_COLUMNS('m')} FROM mailbox m WHERE m.org_id = ${this.orgId} AND m.id = ANY(${ids}::bigint[])`, 'generic');
    return inKeyOrder(ids, rows.map(mailboxFromRow), (m) => m.id);
  }

  /** Mailboxes a session touched (session_mailbox), by UPN. */
  async bySessionIds(sessionIds: readonly string[]): Promise<MailboxType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT l.session_id::text AS key, ${MAILBOX_COLUMNS('m')} FROM session_mailbox l JOIN mailbox m ON m.id = l.mailbox_id AND m.org_id = l.org_id
       WHERE l.org_id = ${this.orgId} AND l.session_id = ANY(${sessionIds}::bigint[]) ORDER BY m.user_principal_name`,
      'generic',
    );
    return groupedInKeyOrder(sessionIds, rows.map((r) => ({ key: String(r.key), value: mailboxFromRow(r) })));
  }

  /** Mailboxes with records from an IP (client_ip_mailbox), by UPN. */
  async byClientIpIds(clientIpIds: readonly string[]): Promise<MailboxType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT l.client_ip_id::text AS key, ${MAILBOX_COLUMNS('m')} FROM client_ip_mailbox l JOIN mailbox m ON m.id = l.mailbox_id AND m.org_id = l.org_id
       WHERE l.org_id = ${this.orgId} AND l.client_ip_id = ANY(${clientIpIds}::bigint[]) ORDER BY m.user_principal_name`,
    );
    return groupedInKeyOrder(clientIpIds, rows.map((r) => ({ key: String(r.key), value: mailboxFromRow(r) })));
  }

  /** Mailboxes in which a message (message-dictionary ids) was bound, by UPN. */
  async byMessageIds(messageIds: readonly string[]): Promise<MailboxType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT a.message_id::text AS key, ${MAILBOX_COLUMNS('m')}
       FROM (SELECT DISTINCT message_id, mailbox_id FROM ${ACCESSES('message_access')} x WHERE x.org_id = ${this.orgId} AND x.message_id = ANY(${messageIds}::bigint[])) a
       JOIN mailbox m ON m.id = a.mailbox_id AND m.org_id = ${this.orgId} ORDER BY m.user_principal_name`,
    );
    return groupedInKeyOrder(messageIds, rows.map((r) => ({ key: String(r.key), value: mailboxFromRow(r) })));
  }

  /** A mailbox's folders (those its MailItemsAccessed records named), by path. */
  async foldersByMailboxIds(mailboxIds: readonly string[]): Promise<FolderType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT f.id, f.mailbox_id, f.folder_key, f.path FROM folder f
       WHERE f.org_id = ${this.orgId} AND f.mailbox_id = ANY(${mailboxIds}::bigint[]) ORDER BY f.path, f.id`,
    );
    return groupedInKeyOrder(mailboxIds, rows.map((r) => ({ key: String(r.mailbox_id), value: folderFromRow(r) })));
  }

  async foldersByIds(ids: readonly string[]): Promise<(FolderType | null)[]> {
    const rows = await run(
      this.db,
      sql`SELECT f.id, f.mailbox_id, f.folder_key, f.path FROM folder f WHERE f.org_id = ${this.orgId} AND f.id = ANY(${ids}::bigint[])`,
    );
    return inKeyOrder(ids, rows.map(folderFromRow), (f) => f.id);
  }

  /**
   * Every unaudited window of each mailbox, oldest first: THROTTLED_FLAG windows ([throttled record, +24 h],
   * overlapping ones merged) and THRESHOLD windows (the documented limit passed without a flag), the latter only
   * where no flag window already explains them. lag(THROTTLE_THRESHOLD) looks back exactly that many records, so
   * "more than the threshold within 24 hours" is one pass over the mailbox's records.
   */
  async unauditedWindowsByMailboxIds(mailboxIds: readonly string[]): Promise<TimeWindow[][]> {
    // One statement for both kinds (the statement count per request stays one for this field).
    const rows: { kind: 'flag' | 'over'; mailbox_id: string; first: Date; last: Date; n: string }[] = await run(
      this.db,
      sql`WITH timed AS (
         SELECT r.mailbox_id, r.creation_time AS t,
                lag(r.creation_time, ${THROTTLE_THRESHOLD}::int) OVER (PARTITION BY r.mailbox_id ORDER BY r.creation_time, r.id) AS back
         FROM audit_record r
         WHERE r.org_id = ${this.orgId} AND r.mailbox_id = ANY(${mailboxIds}::bigint[]) AND lower(r.operation) = 'mailitemsaccessed'),
       hits AS (SELECT mailbox_id, t, lag(t) OVER (PARTITION BY mailbox_id ORDER BY t) AS previous FROM timed
                WHERE back IS NOT NULL AND t - back < ${UNAUDITED_HOURS}::int * interval '1 hour'),
       runs AS (SELECT mailbox_id, t, count(*) FILTER (WHERE previous IS NULL OR t - previous >= ${UNAUDITED_HOURS}::int * interval '1 hour')
                  OVER (PARTITION BY mailbox_id ORDER BY t ROWS UNBOUNDED PRECEDING) AS run FROM hits)
       SELECT 'flag' AS kind, r.mailbox_id::text AS mailbox_id, r.creation_time AS first, r.creation_time AS last, 1 AS n FROM audit_record r
         WHERE r.org_id = ${this.orgId} AND r.mailbox_id = ANY(${mailboxIds}::bigint[]) AND r.is_throttled
       UNION ALL
       SELECT 'over', mailbox_id::text, min(t), max(t), count(*) FROM runs GROUP BY mailbox_id, run
       ORDER BY kind, mailbox_id, first`,
    );
    const of = (kind: 'flag' | 'over') => groupedInKeyOrder(mailboxIds, rows.filter((r) => r.kind === kind).map((r) => ({ key: r.mailbox_id, value: r })));
    const overs = of('over');
    return of('flag').map((flagRows, i) => {
      const flags = mergeUnauditedWindows(flagRows.map((r) => r.first));
      const likely = overs[i].flatMap((r) => thresholdWindows({ first: r.first, last: r.last, over: Number(r.n) }, flags));
      return [...flags, ...likely].sort((x, y) => x.start.getTime() - y.start.getTime());
    });
  }
}

/** Microsoft: more than 1,000 MailItemsAccessed records in 24 hours throttles the mailbox's auditing for 24 hours. */
export const THROTTLE_THRESHOLD = 1000;

/**
 * MailItemsAccessed records that each ended more than THROTTLE_THRESHOLD records within 24 hours: the first and
 * last of a run (records less than 24 hours apart joined) and how many there were.
 */
interface ThresholdRun {
  first: Date;
  last: Date;
  /** Records that were each past the threshold. */
  over: number;
}

/** A run over the threshold to its likely unaudited window(s): [first, last + 24 h] minus the flag windows. */
export function thresholdWindows(run: ThresholdRun, flagWindows: TimeWindow[]): TimeWindow[] {
  const end = new Date(run.last.getTime() + UNAUDITED_HOURS * 3600_000);
  const detail =
    `${run.over} MailItemsAccessed records from ${iso(run.first)} each ended more than ${THROTTLE_THRESHOLD} records within ${UNAUDITED_HOURS} hours ` +
    `and no IsThrottled flag was imported: Bind access was likely not audited until ${iso(end)} (presume exposed)`;
  let parts = [{ start: run.first, end }];
  for (const f of flagWindows) {
    parts = parts.flatMap((p) => {
      if (f.end <= p.start || f.start >= p.end) return [p];
      return [
        ...(f.start > p.start ? [{ start: p.start, end: f.start }] : []),
        ...(f.end < p.end ? [{ start: f.end, end: p.end }] : []),
      ];
    });
  }
  return parts.map((p) => ({ ...p, reason: 'THRESHOLD', detail }));
}

/** Throttled-record times (ascending) to merged windows with a reason an investigator can quote. */
export function mergeUnauditedWindows(throttledAt: Date[]): TimeWindow[] {
  const spans: { start: Date; end: Date; times: Date[] }[] = [];
  for (const t of throttledAt) {
    const end = new Date(t.getTime() + UNAUDITED_HOURS * 3600_000);
    const last = spans[spans.length - 1];
    if (last && t <= last.end) {
      if (end > last.end) last.end = end;
      last.times.push(t);
    } else spans.push({ start: t, end, times: [t] });
  }
  return spans.map(({ start, end, times }) => ({
    start,
    end,
    reason: 'THROTTLED_FLAG',
    detail:
      times.length === 1
        ? `MailItemsAccessed throttled at ${iso(start)}: Bind access was not audited for ${UNAUDITED_HOURS} hours (presume exposed)`
        : `MailItemsAccessed throttled ${times.length} times from ${iso(start)} to ${iso(times[times.length - 1])}: Bind access was not audited until ${iso(end)} (presume exposed)`,
  }));
}

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');

/** Windows that overlap [from, to] (inclusive). */
export function windowsOverlapping(windows: TimeWindow[], from: Date | null, to: Date | null): TimeWindow[] {
  return windows.filter((w) => (!to || w.start <= to) && (!from || w.end >= from));
}
