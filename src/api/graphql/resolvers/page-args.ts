/** The arguments every connection and every windowed field takes, declared once. */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
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

/**
 * The page of a parent's children that the paged loaders answer. With the field's `info`, it also says whether the
 * client selected totalCount (then the loader may count with the page, see ChildPageQuery.countWithPage).
 */
export function pageOf(parentId: string, page: PageArgs, info?: GraphQLResolveInfo): PageRequest {
  const request: PageRequest = { parentId, first: pageSize(page.first), after: page.after ?? null };
  if (info) request.wantsTotal = selects(info, info.fieldNodes, 'totalCount');
  return request;
}

/** Whether any of these field nodes selects `name` directly (through inline fragments and fragment spreads too). */
function selects(info: GraphQLResolveInfo, nodes: readonly { selectionSet?: SelectionSetNode }[], name: string): boolean {
  const seen = new Set<string>();
  const within = (set: SelectionSetNode | undefined): boolean =>
    !!set &&
    set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === name;
      if (s.kind === Kind.INLINE_FRAGMENT) return within(s.selectionSet);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return within(info.fragments[s.name.value]?.selectionSet);
    });
  return nodes.some((node) => within(node.selectionSet));
}

export function windowOf(window: WindowArgs): TimeRange {
  return timeRange(window.from, window.to);
}
