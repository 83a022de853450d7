import { Arg, Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { UserInputError } from '../../../errors';
import { pageSize } from '../pagination';
import { splitCoverage } from '../../services/coverage.service';
import { windowsOverlapping } from '../../services/mailbox.service';
import { TimeWindow } from '../types/common.type';
import { ExposedMessageConnection, PresumedMessageConnection } from '../types/connections.type';
import { CoverageType, ExposureWarningType } from '../types/coverage.type';
import { FolderSyncType, FolderType, MailboxType, SessionType } from '../types/entities.type';
import { ExposedMessageType, ExposureType } from '../types/views.type';
import { ipListArg, textListArg, upnArg } from './args';
import { UNKNOWN_FOLDER_KEY } from '../../../import/types';
import { tagLabelsArg } from '../../services/tag.service';
import { TagExclusionType } from '../types/tags.type';
import { PageArgs, WindowArgs, windowOf } from './page-args';

@Resolver(() => ExposureType)
export class ExposureResolver {
  @Query(() => ExposureType, {
    description:
      'What a mailbox exposed in a time window, optionally only to the given actors. from/to are inclusive and apply to CreationTime. ' +
      'Actor filters combine with AND across kinds (sessionIds AND clientIps AND clientAppIds) and OR within a kind; an empty list means no restriction. ' +
      'They restrict confirmed and presumed exposure, not unauditedWindows (throttling hides everyone\'s binds). ' +
      'A mailbox without records is BAD_USER_INPUT (there is nothing to answer from, which is not the same as "nothing exposed").',
  })
  async exposure(
    @Arg('mailbox') mailbox: string,
    @Ctx() ctx: RequestContext,
    @Args() window: WindowArgs,
    @Arg('sessionIds', () => [String], { nullable: true }) sessionIds?: string[],
    @Arg('clientIps', () => [String], { nullable: true }) clientIps?: string[],
    @Arg('clientAppIds', () => [String], { nullable: true }) clientAppIds?: string[],
    @Arg('excludeTagged', () => [String], {
      nullable: true,
      description: 'Leave out records whose session, client IP or app carries any of these analyst tag labels ("everything but the office NAT"); see excluded.',
    })
    excludeTagged?: string[],
  ): Promise<ExposureType> {
    const range = windowOf(window);
    const upn = upnArg(mailbox, 'mailbox');
    const ips = ipListArg(clientIps, 'clientIps');
    const found = await ctx.services.mailboxes.findByUpn(upn);
    if (!found) {
      throw new UserInputError(`No audit records name mailbox ${JSON.stringify(upn)}: check the UPN, or import its audit log first.`);
    }
    ctx.loaders.mailboxById.prime(found.id, found);
    return {
      ...range,
      query: { mailboxId: found.id, ...range, sessionIds: textListArg(sessionIds), clientIps: ips, clientAppIds: textListArg(clientAppIds), excludeTagged: tagLabelsArg(excludeTagged) },
    };
  }

  @FieldResolver(() => MailboxType)
  mailbox(@Root() exposure: ExposureType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.mailboxById.load(exposure.query.mailboxId);
  }

  @FieldResolver(() => ExposedMessageConnection, { description: 'confirmed: distinct messages bound, by InternetMessageId' })
  boundMessages(
    @Root() exposure: ExposureType,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ) {
    return ctx.loaders.exposure.boundMessages.load({ query: exposure.query, first: pageSize(page.first), after: page.after ?? null });
  }

  @FieldResolver(() => Int, { description: 'confirmed: how many distinct messages were bound' })
  async boundMessageCount(@Root() exposure: ExposureType, @Ctx() ctx: RequestContext) {
    return (await ctx.loaders.exposure.totals.load(exposure.query)).boundMessageCount;
  }

  @FieldResolver(() => Int, { description: 'sum of OperationCount over the matching Bind records' })
  async bindOperationCount(@Root() exposure: ExposureType, @Ctx() ctx: RequestContext) {
    return (await ctx.loaders.exposure.totals.load(exposure.query)).bindOperationCount;
  }

  @FieldResolver(() => TagExclusionType, { nullable: true, description: 'What excludeTagged left out (null when it was not given).' })
  excluded(@Root() exposure: ExposureType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.exposure.excluded.load(exposure.query);
  }

  @FieldResolver(() => [FolderSyncType], { description: 'presumed: whole folders synced' })
  syncedFolders(@Root() exposure: ExposureType, @Ctx() ctx: RequestContext) {
    return ctx.loaders.exposure.syncedFolders.load(exposure.query);
  }

  @FieldResolver(() => PresumedMessageConnection, {
    description:
      'presumed: for each matching Sync, the messages known to be in its folder (imported inventory, else a Bind there by anyone before or after), ' +
      'one edge per (Sync, message) with the strongest evidence; oldest Sync first, then by InternetMessageId. totalCount counts edges.',
  })
  presumedMessages(@Root() exposure: ExposureType, @Ctx() ctx: RequestContext, @Args() page: PageArgs) {
    return ctx.loaders.exposure.presumedMessages.load({ query: exposure.query, first: pageSize(page.first), after: page.after ?? null });
  }

  @FieldResolver(() => Int, { description: 'presumed: how many distinct messages presumedMessages names (a message synced twice counts once).' })
  async presumedMessageCount(@Root() exposure: ExposureType, @Ctx() ctx: RequestContext) {
    return (await ctx.loaders.exposure.presumedCounts.load(exposure.query)).messages;
  }

  @FieldResolver(() => [TimeWindow], {
    description:
      'unknown: Bind auditing was throttled (reason THROTTLED_FLAG) or likely throttled (THRESHOLD: over 1,000 MailItemsAccessed records in 24 hours, no flag imported); ' +
      'windows overlapping from/to, not narrowed by the actor filters',
  })
  async unauditedWindows(@Root() exposure: ExposureType, @Ctx() ctx: RequestContext) {
    const windows = await ctx.loaders.unauditedWindowsByMailbox.load(exposure.query.mailboxId);
    return windowsOverlapping(windows, exposure.query.from, exposure.query.to);
  }

  @FieldResolver(() => CoverageType, { description: 'Which parts of the window imported records of the mailbox cover (an open bound ends at its first/last record).' })
  async coverage(@Root() exposure: ExposureType, @Ctx() ctx: RequestContext): Promise<CoverageType> {
    return splitCoverage(await ctx.loaders.coverageByMailbox.load(exposure.query.mailboxId), exposure.query);
  }

  @FieldResolver(() => [ExposureWarningType], {
    description: 'What limits this answer: a window without data (never a bare 0), a partly covered window, filter values found in no record.',
  })
  async warnings(@Root() exposure: ExposureType, @Ctx() ctx: RequestContext): Promise<ExposureWarningType[]> {
    const q = exposure.query;
    const [spans, unknown, syncs, excluded] = await Promise.all([
      ctx.loaders.coverageByMailbox.load(q.mailboxId),
      ctx.loaders.exposure.unknownFilterValues.load(q),
      ctx.loaders.exposure.syncedFolders.load(q),
      ctx.loaders.exposure.excluded.load(q),
    ]);
    const { covered, uncovered } = splitCoverage(spans, q);
    const warnings: ExposureWarningType[] = [];
    if (!covered.length) {
      warnings.push({ code: 'NO_DATA', message: 'No imported record of this mailbox falls in the window: the answer says nothing about it, not "nothing exposed".', values: [] });
    } else if (uncovered.length) {
      const hours = uncovered.reduce((sum, w) => sum + (w.end.getTime() - w.start.getTime()), 0) / 3600_000;
      warnings.push({
        code: 'PARTIAL_COVERAGE',
        message: `${uncovered.length} span(s) of the window (${hours.toFixed(1)} hours) have no imported record of this mailbox: see coverage.uncovered.`,
        values: [],
      });
    }
    const unknownOf = (code: string, what: string, values: string[]) => {
      if (values.length) warnings.push({ code, message: `${values.length} ${what} in the filter appear in no imported record and match nothing.`, values });
    };
    unknownOf('UNKNOWN_SESSION_ID', 'session id(s)', unknown.sessionIds);
    unknownOf('UNKNOWN_CLIENT_IP', 'client IP(s)', unknown.clientIps);
    unknownOf('UNKNOWN_APP_ID', 'app id(s)', unknown.clientAppIds);
    // The synced folders' rows came with their folder (primed): no statement of its own.
    const folders = await ctx.loaders.folderById.loadMany([...new Set(syncs.map((x) => x.folderId))]);
    const unknownFolder = folders.find((f): f is FolderType => !!f && !(f instanceof Error) && f.folderKey === UNKNOWN_FOLDER_KEY);
    if (unknownFolder) {
      const times = syncs.filter((x) => x.folderId === unknownFolder.id).map((x) => x.syncedAt.toISOString());
      warnings.push({
        code: 'UNKNOWN_FOLDER_SYNCED',
        message:
          `${times.length} Sync record(s) in the answer name no folder: any folder, up to the whole mailbox, may have been synced ` +
          '(syncedFolders lists them under the folder with unknown: true); values are their times.',
        values: times,
      });
    }
    if (excluded && excluded.recordCount > 0) {
      warnings.push({
        code: 'EXCLUDED_BY_TAG',
        message:
          `excludeTagged (${excluded.labels.join(', ')}) left out ${excluded.recordCount} record(s): ` +
          `${excluded.sessionCount} tagged session(s), ${excluded.clientIpCount} tagged client IP(s), ${excluded.appCount} tagged app(s).`,
        values: excluded.labels,
      });
    }
    return warnings;
  }
}

@Resolver(() => ExposedMessageType)
export class ExposedMessageResolver {
  @FieldResolver(() => [FolderType], { description: 'Folders it was bound in.' })
  async folders(@Root() message: ExposedMessageType, @Ctx() ctx: RequestContext) {
    // All of the mailbox's folders (a small list) in one load: the same single statement whatever other fields
    // of the request happen to have loaded already.
    const wanted = new Set(message.folderIds);
    const folders = await ctx.loaders.foldersByMailbox.load(message.mailboxId);
    return folders.filter((f) => wanted.has(f.id)).sort((a, b) => a.path.localeCompare(b.path));
  }

  @FieldResolver(() => [SessionType], { description: 'Sessions that bound it (access with neither SessionId nor AADSessionId has none).' })
  async sessions(@Root() message: ExposedMessageType, @Ctx() ctx: RequestContext) {
    const sessions = await ctx.loaders.sessionById.loadMany(message.sessionIds);
    return sessions.filter((s): s is SessionType => !!s && !(s instanceof Error)).sort((a, b) => a.firstSeen.getTime() - b.firstSeen.getTime());
  }
}
