/** Mailboxes, their folders and the windows in which throttling stopped Bind auditing. */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import type { TimeWindow } from '../graphql/types/common.type';
import type { FolderType, MailboxType } from '../graphql/types/entities.type';
import type { ConnectionResult } from '../../db/pages';
import { keysetPage } from './keyset';
import { ACCESSES, folderFromRow, groupedInKeyOrder, inKeyOrder, MAILBOX_COLUMNS, mailboxFromRow } from './rows';

export interface MailboxFilter {
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

  /** Ordered by UPN. `throttled` = at least one record with IsThrottled=True. */
  page(filter: MailboxFilter, limit: number, after: string | null | undefined): Promise<ConnectionResult<MailboxType>> {
    const where: Sql[] = [sql`m.org_id = ${this.orgId}`];
    if (filter.throttled === true) where.push(sql`m.throttled_record_count > 0`);
    if (filter.throttled === false) where.push(sql`m.throttled_record_count = 0`);
    if (filter.userPrincipalNameContains) {
      const pattern = `%${filter.userPrincipalNameContains.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(sql`m.user_principal_name LIKE ${pattern}`);
    }
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
    const rows = await run(this.db, sql`SELECT ${MAILBOX_COLUMNS('m')} FROM mailbox m WHERE m.org_id = ${this.orgId} AND m.id = ANY(${ids}::bigint[])`);
    return inKeyOrder(ids, rows.map(mailboxFromRow), (m) => m.id);
  }

  /** Mailboxes a session touched (session_mailbox), by UPN. */
  async bySessionIds(sessionIds: readonly string[]): Promise<MailboxType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT l.session_id::text AS key, ${MAILBOX_COLUMNS('m')} FROM session_mailbox l JOIN mailbox m ON m.id = l.mailbox_id
       WHERE l.org_id = ${this.orgId} AND l.session_id = ANY(${sessionIds}::bigint[]) ORDER BY m.user_principal_name`,
    );
    return groupedInKeyOrder(sessionIds, rows.map((r) => ({ key: String(r.key), value: mailboxFromRow(r) })));
  }

  /** Mailboxes with records from an IP (client_ip_mailbox), by UPN. */
  async byClientIpIds(clientIpIds: readonly string[]): Promise<MailboxType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT l.client_ip_id::text AS key, ${MAILBOX_COLUMNS('m')} FROM client_ip_mailbox l JOIN mailbox m ON m.id = l.mailbox_id
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
       JOIN mailbox m ON m.id = a.mailbox_id ORDER BY m.user_principal_name`,
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

  /** Every unaudited window of each mailbox: [throttled record, +24 h], overlapping ones merged. */
  async unauditedWindowsByMailboxIds(mailboxIds: readonly string[]): Promise<TimeWindow[][]> {
    const rows: { mailbox_id: string; creation_time: Date }[] = await run(
      this.db,
      sql`SELECT r.mailbox_id::text AS mailbox_id, r.creation_time FROM audit_record r
       WHERE r.org_id = ${this.orgId} AND r.mailbox_id = ANY(${mailboxIds}::bigint[]) AND r.is_throttled ORDER BY r.mailbox_id, r.creation_time`,
    );
    const grouped = groupedInKeyOrder(mailboxIds, rows.map((r) => ({ key: r.mailbox_id, value: r.creation_time })));
    return grouped.map(mergeUnauditedWindows);
  }
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
    reason:
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
