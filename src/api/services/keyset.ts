/**
 * Keyset pages for root connections: `WHERE (sort..., id) > (cursor...) ORDER BY sort..., id LIMIT n + 1`, and a
 * count that runs only when the client selects totalCount.
 */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import { decodeKeyset, toConnection, type ConnectionResult, type CursorKey, type KeyType } from '../../db/pages';

/** `(a, b) > ($n::timestamptz, $m::bigint)`: rows after the cursor in (columns...) order. */
export function keysetCondition(columns: Sql[], types: KeyType[], cursor: CursorKey): Sql {
  const values = types.map((type, i) => sql`${cursor[i]}::${sql.ident(type)}`);
  return sql`(${sql.join(columns)}) > (${sql.join(values)})`;
}

export interface KeysetPageQuery<T> {
  db: DataSource;
  /** `FROM ...` body: tables and joins. */
  from: Sql;
  select: Sql;
  /** Conditions ANDed together. */
  where: Sql[];
  order: { columns: Sql[]; types: KeyType[] };
  after: string | null | undefined;
  limit: number;
  toNode: (row: Record<string, unknown>) => T;
  keyOf: (node: T) => CursorKey;
}

const whereAll = (conditions: Sql[]): Sql => (conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql.empty);

export async function keysetPage<T>(q: KeysetPageQuery<T>): Promise<ConnectionResult<T>> {
  const cursor = decodeKeyset(q.after, q.order.types);
  const where = cursor ? [...q.where, keysetCondition(q.order.columns, q.order.types, cursor)] : q.where;
  const rows: Record<string, unknown>[] = await run(
    q.db,
    sql`SELECT ${q.select} FROM ${q.from} ${whereAll(where)} ORDER BY ${sql.join(q.order.columns)} LIMIT ${q.limit + 1}`,
  );
  return toConnection(rows.map(q.toNode), q.limit, q.keyOf, async () => {
    const [row] = await run(q.db, sql`SELECT count(*) AS n FROM ${q.from} ${whereAll(q.where)}`);
    return Number(row.n);
  });
}

/** A Date as a cursor value (ISO, millisecond precision like the stored audit times); ISO text (isoTimeOf) as it is. */
export function timeKey(date: Date | string): string {
  return typeof date === 'string' ? date : date.toISOString();
}
