/** An optional [from, to] window, inclusive on both ends (audit times have second precision). */
import { sql, type Sql } from '../../db/sql';
import { UserInputError } from '../../errors';

export interface TimeRange {
  from: Date | null;
  to: Date | null;
}

export function timeRange(from: Date | null | undefined, to: Date | null | undefined): TimeRange {
  const range = { from: from ?? null, to: to ?? null };
  if (range.from && range.to && range.from > range.to) {
    throw new UserInputError(`from (${range.from.toISOString()}) is after to (${range.to.toISOString()}): swap them.`);
  }
  return range;
}

export const NO_RANGE: TimeRange = { from: null, to: null };

export function rangeKey(range: TimeRange): string {
  return `${range.from?.toISOString() ?? ''}|${range.to?.toISOString() ?? ''}`;
}

/** `col >= from AND col <= to`, a null bound meaning unbounded, as one SQL condition. */
export function withinSql(column: Sql, range: TimeRange): Sql {
  return sql`(${range.from}::timestamptz IS NULL OR ${column} >= ${range.from}) AND (${range.to}::timestamptz IS NULL OR ${column} <= ${range.to})`;
}

/** An activity span [first, last] that overlaps the window. */
export function overlapsSql(first: Sql, last: Sql, range: TimeRange): Sql {
  return sql`(${range.to}::timestamptz IS NULL OR ${first} <= ${range.to}) AND (${range.from}::timestamptz IS NULL OR ${last} >= ${range.from})`;
}

export const hasBound = (range: TimeRange): boolean => range.from !== null || range.to !== null;

/**
 * With a window, the lists of a mailbox's / an IP's sessions and IPs keep only those with at least one record in
 * it: an overall first/last span that straddles the window says nothing (an office IP idle all week would match).
 * `links` are conditions on audit_record r (r.session_id = ..., r.mailbox_id = ...); true without a window.
 */
export function recordsInWindowSql(orgId: number, links: Sql[], range: TimeRange): Sql {
  if (!hasBound(range)) return sql`true`;
  return sql`EXISTS (SELECT 1 FROM audit_record r WHERE r.org_id = ${orgId} AND ${sql.join(links, sql` AND `)} AND ${withinSql(sql`r.creation_time`, range)})`;
}
