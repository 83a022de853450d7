/** An optional [from, to] window, inclusive on both ends (audit times have second precision). */
import { UserInputError } from '../errors';

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

/** `col >= $a AND col <= $b` with NULL meaning unbounded, as one SQL condition. */
export function withinSql(column: string, fromParam: number, toParam: number): string {
  return `($${fromParam}::timestamptz IS NULL OR ${column} >= $${fromParam}) AND ($${toParam}::timestamptz IS NULL OR ${column} <= $${toParam})`;
}

/** An activity span [first, last] that overlaps the window. */
export function overlapsSql(first: string, last: string, fromParam: number, toParam: number): string {
  return `($${toParam}::timestamptz IS NULL OR ${first} <= $${toParam}) AND ($${fromParam}::timestamptz IS NULL OR ${last} >= $${fromParam})`;
}
