/**
 * Timeline export: the audit records of a mailbox, a session or an IP in a window, oldest first, as Timesketch
 * JSONL or CSV (`message`, `datetime`, `timestamp_desc` plus the record's fields) or a plain CSV. Rows come from a
 * server-side cursor a page at a time and are written with back-pressure, so memory does not grow with the result.
 */
import type { Writable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import { sql } from '../db/sql';
import { UserInputError } from '../errors';
import { canonicalIp } from '../import/normalize';
import { parseDateTime } from '../api/graphql/scalars';
import { timeRange, withinSql, type TimeRange } from '../api/services/time-range';
import { TIMELINE_FORMATS, type TimelineFormat } from './timeline-formats';
import { headedWriter } from './write-chunk';


export interface TimelineQuery extends TimeRange {
  /** Mailbox owner UPN (lower-cased). */
  mailbox: string | null;
  /** AuditData.SessionId as written. */
  sessionId: string | null;
  /** Canonical address. */
  clientIp: string | null;
}

/** Rows fetched per round trip from the cursor. */
const PAGE_ROWS = 2000;

/** The record's own columns, in the order both CSV shapes write them after their leading columns. */
const FIELDS = [
  'operation',
  'mail_access_type',
  'mailbox',
  'user_id',
  'session_id',
  'client_ip',
  'client_app_id',
  'operation_count',
  'is_throttled',
  'record_id',
  'batch_id',
  'source_line',
] as const;
type Row = Record<(typeof FIELDS)[number], string | number | boolean | null> & { creation_time: Date };

const HEADERS: Record<TimelineFormat, readonly string[]> = {
  'timesketch-jsonl': [],
  'timesketch-csv': ['message', 'datetime', 'timestamp_desc', ...FIELDS],
  csv: ['time', ...FIELDS],
};

export const CONTENT_TYPES: Record<TimelineFormat, string> = {
  'timesketch-jsonl': 'application/x-ndjson; charset=utf-8',
  'timesketch-csv': 'text/csv; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Checks and canonicalises what a caller (CLI or HTTP) asked; every value may be hostile. */
export function timelineQuery(input: { mailbox?: string; sessionId?: string; clientIp?: string; from?: string; to?: string; format?: string }): {
  query: TimelineQuery;
  format: TimelineFormat;
} {
  const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim());
  const format = (blank(input.format) ?? 'timesketch-jsonl').toLowerCase();
  if (!(TIMELINE_FORMATS as readonly string[]).includes(format)) {
    throw new UserInputError(`format must be one of ${TIMELINE_FORMATS.join(', ')} (got ${JSON.stringify(clip(format))})`);
  }
  const ipText = blank(input.clientIp);
  const ip = ipText === null ? null : canonicalIp(ipText);
  if (ipText !== null && !ip) throw new UserInputError(`clientIp: ${JSON.stringify(clip(ipText))} is not an IP address`);
  const query: TimelineQuery = {
    mailbox: blank(input.mailbox)?.toLowerCase() ?? null,
    sessionId: blank(input.sessionId),
    clientIp: ip?.address ?? null,
    ...timeRange(time(blank(input.from), 'from'), time(blank(input.to), 'to')),
  };
  if (!query.mailbox && !query.sessionId && !query.clientIp) throw new UserInputError('name a mailbox, a sessionId or a clientIp (any combination narrows further)');
  return { query, format: format as TimelineFormat };
}

function time(value: string | null, name: string): Date | null {
  if (value === null) return null;
  try {
    return parseDateTime(value);
  } catch (error) {
    throw new UserInputError(`${name}: ${(error as Error).message}`);
  }
}

/** Writes the timeline to `out` (left open) and returns the number of rows; stops early if `out` is destroyed. */
export async function writeTimeline(pool: Pool, orgId: number, q: TimelineQuery, format: TimelineFormat, out: Writable): Promise<number> {
  const client = await pool.connect();
  let rows = 0;
  try {
    await client.query('BEGIN READ ONLY');
    const statement = cursorSql(orgId, q);
    await client.query(`DECLARE timeline NO SCROLL CURSOR FOR ${statement.text}`, statement.values);
    const writer = headedWriter(out, HEADERS[format].length ? csvLine(HEADERS[format]) : '');
    for (;;) {
      const page = await fetchPage(client);
      if (!page.length || out.destroyed) break;
      await writer.write(page.map((r) => formatRow(r, format)).join(''));
      rows += page.length;
      if (page.length < PAGE_ROWS) break;
    }
    await writer.end();
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function cursorSql(orgId: number, q: TimelineQuery) {
  return sql`SELECT r.creation_time, r.operation, r.mail_access_type, m.user_principal_name AS mailbox, coalesce(r.user_id, m.user_principal_name) AS user_id, s.session_id,
      coalesce(host(c.address), r.client_ip_raw) AS client_ip, r.client_app_id, r.operation_count, r.is_throttled, r.record_key AS record_id,
      r.batch_id::int AS batch_id, r.source_line
    FROM audit_record r
    LEFT JOIN mailbox m ON m.id = r.mailbox_id AND m.org_id = r.org_id
    LEFT JOIN session s ON s.id = r.session_id AND s.org_id = r.org_id
    LEFT JOIN client_ip c ON c.id = r.client_ip_id AND c.org_id = r.org_id
    WHERE r.org_id = ${orgId} AND ${withinSql(sql`r.creation_time`, q)}
      AND (${q.mailbox}::text IS NULL OR r.mailbox_id = (SELECT id FROM mailbox WHERE org_id = ${orgId} AND user_principal_name = ${q.mailbox}))
      AND (${q.sessionId}::text IS NULL OR r.session_id IN (SELECT id FROM session WHERE org_id = ${orgId} AND session_id = ${q.sessionId}))
      AND (${q.clientIp}::inet IS NULL OR r.client_ip_id = (SELECT id FROM client_ip WHERE org_id = ${orgId} AND address = ${q.clientIp}::inet))
    ORDER BY r.creation_time, r.id`;
}

async function fetchPage(client: PoolClient): Promise<Row[]> {
  return (await client.query(`FETCH ${PAGE_ROWS} FROM timeline`)).rows as Row[];
}


/** One line an investigator reads in Timesketch: what, where, who, from where. */
export function timelineMessage(r: Row): string {
  const what = r.mail_access_type ? `${r.operation} ${r.mail_access_type === 'BIND' ? 'Bind' : 'Sync'}` : String(r.operation);
  const parts = [what, r.mailbox ? `on ${r.mailbox}` : null, r.user_id ? `by ${r.user_id}` : null, r.client_ip ? `from ${r.client_ip}` : null];
  if (r.session_id) parts.push(`(session ${r.session_id})`);
  if (r.mail_access_type === 'BIND' && r.operation_count !== null) parts.push(`: ${r.operation_count} item(s)`);
  if (r.is_throttled) parts.push('[throttled]');
  return parts.filter(Boolean).join(' ').replace(' :', ':');
}

function formatRow(r: Row, format: TimelineFormat): string {
  const datetime = r.creation_time.toISOString();
  const fields = FIELDS.map((f) => r[f]);
  if (format === 'csv') return csvLine([datetime, ...fields]);
  const lead = [timelineMessage(r), datetime, 'Audit record created'];
  if (format === 'timesketch-csv') return csvLine([...lead, ...fields]);
  const doc: Record<string, unknown> = { message: lead[0], datetime, timestamp_desc: lead[2] };
  FIELDS.forEach((f, i) => (doc[f] = fields[i]));
  return JSON.stringify(doc) + '\n';
}

/**
 * RFC 4180 line. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe: the values come from audit records an attacker can shape (user agents, ids).
 */
export function csvLine(values: readonly unknown[]): string {
  return (
    values
      .map((v) => {
        if (v === null || v === undefined) return '';
        let s = String(v);
        if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);
