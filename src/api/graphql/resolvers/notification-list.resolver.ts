import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { UserInputError } from '../../../errors';
import { pageSize } from '../pagination';
import { NotificationEntryConnection } from '../types/connections.type';
import type { NotificationQuery } from '../../services/notification-list.service';
import type { TimeWindow } from '../types/common.type';
import type { MailboxType } from '../types/entities.type';
import { ipListArg, textListArg, upnArg } from './args';
import { PageArgs, WindowArgs, windowOf } from './page-args';

/** More mailboxes than this in one list is a mistaken request (page through groups of mailboxes instead). */
export const MAX_NOTIFICATION_MAILBOXES = 1000;

@Resolver()
export class NotificationListResolver {
  @Query(() => NotificationEntryConnection, {
    description:
      'The notification list: one row per (mailbox, message) with its tier, ordered by mailbox, tier (CONFIRMED, PRESUMED, UNKNOWN), InternetMessageId. ' +
      'CONFIRMED: bound in the window by the actors asked for; PRESUMED: in a folder they synced in the window, not confirmed; ' +
      'UNKNOWN: one row per unaudited window overlapping the window (internetMessageId "*"), whoever the actors. ' +
      'Filters as exposure(). Also downloadable: GET /exports/notification-list?mailboxes=..&format=csv|xlsx.',
  })
  notificationList(
    @Arg('mailboxes', () => [String]) mailboxes: string[],
    @Ctx() ctx: RequestContext,
    @Args() window: WindowArgs,
    @Args() page: PageArgs,
    @Arg('sessionIds', () => [String], { nullable: true }) sessionIds?: string[],
    @Arg('clientIps', () => [String], { nullable: true }) clientIps?: string[],
    @Arg('clientAppIds', () => [String], { nullable: true }) clientAppIds?: string[],
  ) {
    return notificationPage(ctx, { mailboxes, ...windowOf(window), sessionIds, clientIps, clientAppIds }, pageSize(page.first), page.after ?? null);
  }
}

export interface NotificationArgs {
  mailboxes: string[];
  from: Date | null;
  to: Date | null;
  sessionIds?: string[] | null;
  clientIps?: string[] | null;
  clientAppIds?: string[] | null;
}

/** Checks the arguments and resolves the mailboxes; an unknown UPN is an error that names it (never a silent gap). */
export async function notificationQuery(
  findByUpns: (upns: string[]) => Promise<(MailboxType | null)[]>,
  args: NotificationArgs,
): Promise<NotificationQuery> {
  const upns = [...new Set(args.mailboxes.map((m) => upnArg(m, 'mailboxes')))];
  if (!upns.length) throw new UserInputError('mailboxes: name at least one mailbox (UPN).');
  if (upns.length > MAX_NOTIFICATION_MAILBOXES) throw new UserInputError(`mailboxes: at most ${MAX_NOTIFICATION_MAILBOXES} per list (got ${upns.length}).`);
  const found = await findByUpns(upns);
  const missing = upns.filter((_, i) => !found[i]);
  if (missing.length) {
    throw new UserInputError(`No audit records name mailbox(es) ${missing.slice(0, 10).map((u) => JSON.stringify(u)).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}: check the UPNs, or import their audit logs first.`);
  }
  const list = found.map((m) => m!).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  return {
    mailboxes: list,
    from: args.from,
    to: args.to,
    sessionIds: textListArg(args.sessionIds),
    clientIps: ipListArg(args.clientIps, 'clientIps'),
    clientAppIds: textListArg(args.clientAppIds),
    excludeTagged: null,
  };
}

async function notificationPage(ctx: RequestContext, args: NotificationArgs, first: number, after: string | null) {
  const q = await notificationQuery((upns) => ctx.services.mailboxes.byUpns(upns), args);
  for (const m of q.mailboxes) ctx.loaders.mailboxById.prime(m.id, m);
  const windows = await ctx.loaders.unauditedWindowsByMailbox.loadMany(q.mailboxes.map((m) => m.id));
  const failed = windows.find((w) => w instanceof Error);
  if (failed) throw failed;
  return ctx.services.notificationList.page(q, windows as TimeWindow[][], first, after);
}
