/**
 * Relay connections with keyset cursors. A cursor encodes the sort key of the last row plus its id, so pages stay
 * stable while imports insert rows. `first` defaults to 50 and is capped at 500.
 */
import { GraphQLError } from 'graphql';
import { ClassType, Field, Int, ObjectType } from 'type-graphql';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new GraphQLError(`first must be between 0 and ${MAX_PAGE_SIZE} (got ${first}); page with after: endCursor for more.`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return first;
}

/** The keyset position: the ordering value(s) of a row followed by its id. */
export type CursorKey = (string | number | null)[];

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
  throw new GraphQLError('Invalid cursor: pass back an endCursor exactly as this API returned it, for the same field.', {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** What a connection resolver returns: rows plus a lazily computed total (only when the client asks). */
export interface ConnectionResult<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** A getter: the count query runs only when the client selects totalCount. */
  readonly totalCount: Promise<number>;
}

/** Builds the connection from `limit + 1` rows fetched in order; the extra row only says there is a next page. */
export function toConnection<T>(rows: T[], limit: number, keyOf: (row: T) => CursorKey, totalCount: () => Promise<number>): ConnectionResult<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
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

export function Connection<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    /** A getter on the result object (see ConnectionResult): counted only when selected. */
    @Field(() => Int, { description: 'Computed only when asked for.' })
    totalCount!: number;
  }
  return ConnectionType;
}
