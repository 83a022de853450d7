/**
 * Pages of rows with keyset cursors (Relay connections without the GraphQL): a cursor encodes the sort key of the
 * last row plus its id, so pages stay stable while imports insert rows. Cursor values are checked against the
 * column types, so a tampered cursor is a UserInputError, never an SQL error.
 */
import { UserInputError } from '../errors';
import type { Sql } from './sql';
import type { PlanMode } from './prepared-statements';

/** The keyset position: the ordering value(s) of a row followed by its id. */
export type CursorKey = (string | number | null)[];

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfoData {
  hasNextPage: boolean;
  endCursor: string | null;
  hasPreviousPage: boolean;
  startCursor: string | null;
}

/** A page: rows plus a lazily computed total (only when the client asks). */
export interface ConnectionResult<T> {
  edges: Edge<T>[];
  pageInfo: PageInfoData;
  /** A getter: the count query runs only when the client selects totalCount. */
  readonly totalCount: Promise<number>;
}

const INVALID_CURSOR = 'Invalid cursor: pass back an endCursor exactly as this API returned it, for the same field.';

export type KeyType = 'timestamptz' | 'text' | 'bigint';

function validKeyPart(value: CursorKey[number], type: KeyType): boolean {
  if (value === null) return false;
  if (type === 'bigint') return (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^\d{1,19}$/.test(value));
  if (type === 'timestamptz') return typeof value === 'string' && !Number.isNaN(Date.parse(value));
  return typeof value === 'string';
}

/** Decodes `after` for a keyset of the given column types; null when there is none. */
export function decodeKeyset(after: string | null | undefined, types: KeyType[]): CursorKey | null {
  const key = decodeCursor(after, types.length);
  if (key && !key.every((v, i) => validKeyPart(v, types[i]))) throw new UserInputError(INVALID_CURSOR);
  return key;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number): CursorKey | null {
  if (cursor === null || cursor === undefined || cursor === '') return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((v) => v === null || ['string', 'number'].includes(typeof v))) {
      return key;
    }
  } catch {
    // fall through to the error below
  }
  throw new UserInputError(INVALID_CURSOR);
}

/** An edge whose cursor is encoded when read. */
class LazyEdge<T> implements Edge<T> {
  constructor(
    readonly node: T,
    private readonly keyOf: (row: T) => CursorKey,
  ) {}

  get cursor(): string {
    return encodeCursor(this.keyOf(this.node));
  }
}

/** Builds the page from `limit + 1` rows fetched in order; the extra row only says there is a next page. */
export function toConnection<T>(rows: T[], limit: number, keyOf: (row: T) => CursorKey, totalCount: () => Promise<number>): ConnectionResult<T> {
  const count = Math.min(rows.length, limit);
  // Each edge's cursor is encoded only if a client selects it (contract queries ask for pageInfo.endCursor alone);
  // one small object per edge, the getter on the prototype (no closure per edge).
  const edges: Edge<T>[] = new Array(count);
  for (let i = 0; i < count; i++) edges[i] = new LazyEdge(rows[i], keyOf);
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
      hasPreviousPage: false,
      startCursor: edges.length ? edges[0].cursor : null,
    },
    get totalCount() {
      return totalCount();
    },
  };
}

/**
 * A connection under each of many parents (each session's records, each IP's sessions...), described by the
 * module that owns the SQL; api/loaders/paged.ts runs it for all parents of a response in one statement.
 */
export interface ChildPageQuery<Node> {
  /** Table, or subquery in parentheses, with the rows; the loader names it t. */
  from: Sql;
  /** A narrower `from` with the same rows for totalCount (no joins that only add columns); `from` when absent. */
  countFrom?: Sql;
  /** Column of t holding the parent key, e.g. session_id, and its type (bigint ids, or text like an InternetMessageId). */
  parent: { column: string; type: 'bigint' | 'text' };
  /** Ordering column of t (ascending, ties broken by t.id) and its type, to check cursors. */
  sort: { column: string; type: KeyType };
  /** Columns of t to select, e.g. t.*. */
  select: Sql;
  /**
   * Sort and limit first, join later: when given, each parent's page is taken from `countFrom` (narrow rows, alias
   * t) and only its `first + 1` rows are widened by this SELECT into the rows `toNode` reads (`from` and `select`
   * are not used then). `limited` is a parenthesised subquery of those rows (with `__total` when `withTotal`); the
   * SELECT must keep their order (sort column, then id) and pass `__total` on when `withTotal`.
   */
  widen?: (limited: Sql, withTotal: boolean) => Sql;
  /**
   * The page reads every row of its parent anyway (no index gives its order): when totalCount is selected and there
   * is no cursor, the count comes with the page (`count(*) OVER ()`) instead of a statement of its own.
   */
  countWithPage?: boolean;
  /** Filter on t (an org, a time window). */
  where: Sql;
  /**
   * 'generic' when no parameter of `where` can change how a parent's rows are best found (no time window, no tag
   * filter): the page statement is then planned once per connection (db/prepared-statements.ts). Custom by default.
   */
  plan?: PlanMode;
  /** Maps a database row (snake_case) to the node. */
  toNode: (row: Record<string, unknown>) => Node;
  /** The keyset of a node: [sortValue, id]. */
  keyOf: (node: Node) => CursorKey;
}
