/** The arguments every connection and every windowed field takes, declared once. */
import { ArgsType, Field, Int } from 'type-graphql';
import type { PageRequest } from '../loaders/paged';
import { pageSize } from '../pagination';
import { timeRange, type TimeRange } from '../../services/time-range';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

@ArgsType()
export class WindowArgs {
  @Field(() => Date, { nullable: true })
  from?: Date;

  @Field(() => Date, { nullable: true })
  to?: Date;
}

@ArgsType()
export class TagFilterArgs {
  @Field(() => [String], { nullable: true, description: 'Only those carrying any of these analyst tag labels.' })
  tagged?: string[];

  @Field(() => [String], { nullable: true, description: 'Only those carrying none of these analyst tag labels.' })
  notTagged?: string[];
}

/** The page of a parent's children that the paged loaders answer. */
export function pageOf(parentId: string, page: PageArgs): PageRequest {
  return { parentId, first: pageSize(page.first), after: page.after ?? null };
}

export function windowOf(window: WindowArgs): TimeRange {
  return timeRange(window.from, window.to);
}
