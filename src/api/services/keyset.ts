/**
 * Keyset pages for root connections: `WHERE (sort..., id) > (cursor...) ORDER BY sort..., id LIMIT n + 1`, and a
 * count that runs only when the client selects totalCount. Cursor values are checked against the column types
 * so a tampered cursor is a BAD_USER_INPUT, never an SQL error.
 */
import type { DataSource } from 'typeorm';
import { UserInputError } from '../errors';
import { decodeCursor, toConnection, type ConnectionResult, type CursorKey } from '../pagination';

export type KeyType = 'timestamptz' | 'text' | 'bigint';

const INVALID = 'Invalid cursor: pass back an endCursor exactly as this API returned it, for the same field.';

function validKeyPart(value: CursorKey[number], type: KeyType): boolean {
  if (value === null) return false;
  if (type === 'bigint') return (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^\d{1,19}$/.test(value));
  if (type === 'timestamptz') return typeof value === 'string' && !Number.isNaN(Date.parse(value));
  return typeof value === 'string';
}

/** Decodes `after` for a keyset of the given column types; null when there is none. */
export function decodeKeyset(after: string | null | undefined, types: KeyType[]): CursorKey | null {
  const key = decodeCursor(after, types.length);
  if (key && !key.every((v, i) => validKeyPart(v, types[i]))) throw new UserInputError(INVALID);
  return key;
}

/** `(a, b) > ($3::timestamptz, $4::bigint)` for the given columns, with parameters numbered from `firstParam`. */
export function keysetCondition(columns: string[], types: KeyType[], firstParam: number): string {
  const params = types.map((t, i) => `$${firstParam + i}::${t}`);
  return `(${columns.join(', ')}) > (${params.join(', ')})`;
}

export interface KeysetPageQuery<T> {
  db: DataSource;
  /** `FROM ...` body: tables and joins. */
  from: string;
  select: string;
  /** Conditions ANDed together; parameters are $1..$n of `params`. */
  where: string[];
  params: unknown[];
  order: { columns: string[]; types: KeyType[] };
  after: string | null | undefined;
  limit: number;
  toNode: (row: Record<string, unknown>) => T;
  keyOf: (node: T) => CursorKey;
}

export async function keysetPage<T>(q: KeysetPageQuery<T>): Promise<ConnectionResult<T>> {
  const cursor = decodeKeyset(q.after, q.order.types);
  const where = [...q.where];
  const params = [...q.params];
  if (cursor) {
    where.push(keysetCondition(q.order.columns, q.order.types, params.length + 1));
    params.push(...cursor);
  }
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const rows: Record<string, unknown>[] = await q.db.query(
    `SELECT ${q.select} FROM ${q.from} ${whereSql} ORDER BY ${q.order.columns.join(', ')} LIMIT ${q.limit + 1}`,
    params,
  );
  const countWhere = q.where.length ? `WHERE ${q.where.join(' AND ')}` : '';
  return toConnection(rows.map(q.toNode), q.limit, q.keyOf, async () => {
    const [row] = await q.db.query(`SELECT count(*) AS n FROM ${q.from} ${countWhere}`, q.params);
    return Number(row.n);
  });
}

/** A Date as a cursor value (ISO, millisecond precision like the stored audit times). */
export function timeKey(date: Date): string {
  return date.toISOString();
}
