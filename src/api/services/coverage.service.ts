/**
 * Which spans of a mailbox's history the imported data covers, and by which batches. A batch covers a mailbox
 * from its first to its last record of that mailbox: nothing is claimed beyond the records seen (an export's
 * requested window is not in the file), so a gap between batches is reported as NO_DATA rather than as "nothing
 * happened".
 */
import type { DataSource } from 'typeorm';
import { run, sql } from '../../db/sql';
import type { TimeWindow } from '../graphql/types/common.type';
import { groupedInKeyOrder } from './rows';
import { UserInputError } from '../../errors';
import { withinSql, type TimeRange } from './time-range';

export interface CoverageSpan {
  start: Date;
  end: Date;
  records: number;
  batchIds: string[];
}

export interface DayCount {
  day: Date;
  records: number;
}

export interface CoverageSplit {
  covered: TimeWindow[];
  uncovered: TimeWindow[];
}

export class CoverageService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /** Each mailbox's covered spans, oldest first: per-batch [first, last] record, overlapping ones merged. */
  async spansByMailboxIds(mailboxIds: readonly string[]): Promise<CoverageSpan[][]> {
    const rows: { mailbox_id: string; batch_id: string; first: Date; last: Date; n: string }[] = await run(
      this.db,
      sql`SELECT r.mailbox_id::text AS mailbox_id, r.batch_id::text AS batch_id, min(r.creation_time) AS first, max(r.creation_time) AS last, count(*) AS n
       FROM audit_record r WHERE r.org_id = ${this.orgId} AND r.mailbox_id = ANY(${mailboxIds}::bigint[])
       GROUP BY r.mailbox_id, r.batch_id ORDER BY r.mailbox_id, first, r.batch_id`,
    );
    const grouped = groupedInKeyOrder(mailboxIds, rows.map((r) => ({ key: r.mailbox_id, value: r })));
    return grouped.map((batches) => mergeSpans(batches.map((b) => ({ start: b.first, end: b.last, records: Number(b.n), batchIds: [b.batch_id] }))));
  }

  /** Records per UTC day of each mailbox, oldest first, days without records included (see fillDays). */
  async recordsPerDayByMailboxIds(mailboxIds: readonly string[], range: TimeRange): Promise<DayCount[][]> {
    const rows: { mailbox_id: string; day: Date; n: string }[] = await run(
      this.db,
      sql`SELECT r.mailbox_id::text AS mailbox_id, date_trunc('day', r.creation_time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, count(*) AS n
       FROM audit_record r WHERE r.org_id = ${this.orgId} AND r.mailbox_id = ANY(${mailboxIds}::bigint[]) AND ${withinSql(sql`r.creation_time`, range)}
       GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const grouped = groupedInKeyOrder(mailboxIds, rows.map((r) => ({ key: r.mailbox_id, value: { day: r.day, records: Number(r.n) } })));
    return grouped.map((days) => fillDays(days, range));
  }
}

const DAY_MS = 86_400_000;
/** Ten years of days: a longer list is a mistaken window, not a question. */
export const MAX_DAYS = 3660;

/** Days with records to every day from the window's first day (or the first record's) to its last, zeros included. */
export function fillDays(days: DayCount[], range: TimeRange): DayCount[] {
  const floor = (d: Date) => Math.floor(d.getTime() / DAY_MS) * DAY_MS;
  const first = range.from ? floor(range.from) : days.length ? days[0].day.getTime() : null;
  const last = range.to ? floor(range.to) : days.length ? days[days.length - 1].day.getTime() : null;
  if (first === null || last === null) return [];
  if ((last - first) / DAY_MS >= MAX_DAYS) throw new UserInputError(`recordsPerDay covers at most ${MAX_DAYS} days: narrow from/to.`);
  const counts = new Map(days.map((d) => [d.day.getTime(), d.records]));
  const out: DayCount[] = [];
  for (let t = first; t <= last; t += DAY_MS) out.push({ day: new Date(t), records: counts.get(t) ?? 0 });
  return out;
}

/** Spans sorted by start to merged spans (touching or overlapping ones joined, batches and counts summed). */
export function mergeSpans(spans: CoverageSpan[]): CoverageSpan[] {
  const merged: CoverageSpan[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) {
      if (s.end > last.end) last.end = s.end;
      last.records += s.records;
      last.batchIds = [...new Set([...last.batchIds, ...s.batchIds])];
    } else merged.push({ ...s, batchIds: [...s.batchIds] });
  }
  return merged;
}

/**
 * The window split into what the spans cover (reason DATA) and what they do not (NO_DATA). An open bound is
 * closed at the data's own first or last record, so "unbounded" never reads as an infinite gap.
 */
export function splitCoverage(spans: CoverageSpan[], range: TimeRange): CoverageSplit {
  const from = range.from ?? spans[0]?.start ?? null;
  const to = range.to ?? spans[spans.length - 1]?.end ?? null;
  if (!from || !to) return { covered: [], uncovered: [] };
  const covered: TimeWindow[] = [];
  const uncovered: TimeWindow[] = [];
  let cursor = from;
  for (const s of spans) {
    if (s.end < from || s.start > to) continue;
    const start = s.start > from ? s.start : from;
    const end = s.end < to ? s.end : to;
    if (start > cursor) uncovered.push(noData(cursor, start));
    covered.push({ start, end, reason: 'DATA', detail: `${s.records} records from import batch${s.batchIds.length > 1 ? 'es' : ''} ${s.batchIds.join(', ')}` });
    cursor = end;
  }
  if (cursor < to || (!covered.length && cursor <= to)) uncovered.push(noData(cursor, to));
  return { covered, uncovered };
}

const noData = (start: Date, end: Date): TimeWindow => ({ start, end, reason: 'NO_DATA', detail: 'no imported record of this mailbox in this span' });
