/**
 * Relay connections in the schema (the pages themselves are services/connection.ts). `first` defaults to 50 and is
 * capped at 500.
 */
import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { UserInputError } from '../../errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new UserInputError(`first must be between 0 and ${MAX_PAGE_SIZE} (got ${first}); page with after: endCursor for more.`);
  }
  return first;
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
