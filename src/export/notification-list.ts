/**
 * The notification list as a download (CSV or XLSX): the same rows and order as the GraphQL notificationList,
 * one row per (mailbox, message) with its tier, streamed from a server-side cursor so memory stays flat.
 */
import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { UserInputError } from '../errors';
import { parseDateTime } from '../api/graphql/scalars';
import { notificationQuery, type NotificationArgs } from '../api/graphql/resolvers/notification-list.resolver';
import type { NotificationEntryType } from '../api/graphql/types/presumed.type';
import { MailboxService } from '../api/services/mailbox.service';
import { NotificationListService } from '../api/services/notification-list.service';
import { timeRange } from '../api/services/time-range';
import { csvLine } from '../api/http/csv';
import { writeXlsx } from './xlsx';
import { headedWriter } from './write-chunk';

export const NOTIFICATION_FORMATS = ['csv', 'xlsx'] as const;
export type NotificationFormat = (typeof NOTIFICATION_FORMATS)[number];

export const NOTIFICATION_CONTENT_TYPES: Record<NotificationFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Joins the values of a list column (folders, sessions, IPs, apps, record ids, recipients). */
export const LIST_SEPARATOR = '; ';

/** The columns, named as the GraphQL fields they equal (lists joined with LIST_SEPARATOR). */
export const NOTIFICATION_COLUMNS: [string, (e: NotificationEntryType) => string | null][] = [
  ['mailbox', (e) => e.userPrincipalName],
  ['internetMessageId', (e) => e.internetMessageId],
  ['tier', (e) => e.tier],
  ['evidence', (e) => e.evidence],
  ['firstAccessedAt', (e) => e.firstAccessedAt?.toISOString() ?? null],
  ['lastAccessedAt', (e) => e.lastAccessedAt?.toISOString() ?? null],
  ['subject', (e) => e.subject],
  ['sender', (e) => e.sender],
  ['recipients', (e) => e.recipients.join(LIST_SEPARATOR)],
  ['folders', (e) => e.folderPaths.join(LIST_SEPARATOR)],
  ['sessions', (e) => e.sessionKeys.join(LIST_SEPARATOR)],
  ['clientIps', (e) => e.clientIpAddresses.join(LIST_SEPARATOR)],
  ['apps', (e) => e.appIds.join(LIST_SEPARATOR)],
  ['evidenceRecordIds', (e) => e.evidenceRecordIds.join(LIST_SEPARATOR)],
  ['unauditedReason', (e) => e.unauditedReason],
  ['unauditedDetail', (e) => e.unauditedDetail],
];

const cellsOf = (e: NotificationEntryType) => NOTIFICATION_COLUMNS.map(([, value]) => value(e) ?? '');

/** Checks what a caller asked (every value may be hostile): lists as repeated parameters or comma-separated. */
export function notificationDownload(input: Record<string, unknown>): { args: NotificationArgs; format: NotificationFormat } {
  const list = (name: string): string[] | null => {
    const raw = input[name];
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((v): v is string => typeof v === 'string');
    const parts = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    return parts.length ? parts : null;
  };
  const one = (name: string): string | null => {
    const v = input[name];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
  };
  const format = (one('format') ?? 'csv').toLowerCase();
  if (!(NOTIFICATION_FORMATS as readonly string[]).includes(format)) {
    throw new UserInputError(`format must be one of ${NOTIFICATION_FORMATS.join(', ')} (got ${JSON.stringify(format.slice(0, 40))})`);
  }
  const time = (name: string) => {
    const v = one(name);
    if (v === null) return null;
    try {
      return parseDateTime(v);
    } catch (error) {
      throw new UserInputError(`${name}: ${(error as Error).message}`);
    }
  };
  return {
    args: {
      mailboxes: list('mailboxes') ?? [],
      ...timeRange(time('from'), time('to')),
      sessionIds: list('sessionIds'),
      clientIps: list('clientIps'),
      clientAppIds: list('clientAppIds'),
    },
    format: format as NotificationFormat,
  };
}

/**
 * Resolves the question (throws UserInputError before any byte is written) and answers a function that streams
 * the list to `out` (left open) and resolves with the number of rows.
 */
export async function prepareNotificationList(
  db: DataSource,
  orgId: number,
  args: NotificationArgs,
  format: NotificationFormat,
): Promise<(out: Writable) => Promise<number>> {
  const mailboxes = new MailboxService(db, orgId);
  const q = await notificationQuery((upns) => mailboxes.byUpns(upns), args);
  const windows = await mailboxes.unauditedWindowsByMailboxIds(q.mailboxes.map((m) => m.id));
  const list = new NotificationListService(db, orgId);
  const header = NOTIFICATION_COLUMNS.map(([name]) => name);
  if (format === 'xlsx') {
    return async (out) => {
      let rows = 0;
      await writeXlsx(out, 'Notification list', header, async (emit) => {
        rows = await list.stream(q, windows, (batch) => emit(batch.map(cellsOf)));
      });
      return rows;
    };
  }
  // The first FETCH computes the list: the header waits for its rows (headedWriter).
  return async (out) => {
    const writer = headedWriter(out, csvLine(header));
    const rows = await list.stream(q, windows, (batch) => writer.write(batch.map((e) => csvLine(cellsOf(e))).join('')));
    await writer.end();
    return rows;
  };
}

