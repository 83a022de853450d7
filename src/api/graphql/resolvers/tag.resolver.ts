import { Arg, Ctx, Extensions, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { ROLE_EXTENSION } from '../role-gate';
import { TagTargetKindEnum } from '../types/enums';
import { AppType, ClientIpType, MailboxType, SessionType } from '../types/entities.type';
import { AnalystTagType } from '../types/tags.type';
import type { TagTargetKind } from '../../services/tag.service';

const TARGET_HELP = 'The IP (any spelling; a non-IP address as written), SessionId, app id or mailbox UPN.';

@Resolver(() => AnalystTagType)
export class TagResolver {
  @Extensions({ [ROLE_EXTENSION]: 'importer' })
  @Mutation(() => AnalystTagType, {
    description: 'Tags an IP, session, app or mailbox (importer or admin keys). Tagging again with the same label replaces the note, author and time.',
  })
  tag(
    @Arg('targetKind', () => TagTargetKindEnum) targetKind: TagTargetKindEnum,
    @Arg('target', { description: TARGET_HELP }) target: string,
    @Arg('label', { description: 'malicious, suspicious, benign, office-nat, microsoft, or a free label (1-64 characters, stored lower-case).' })
    label: string,
    @Ctx() ctx: RequestContext,
    @Arg('note', () => String, { nullable: true }) note?: string | null,
  ) {
    return ctx.services.tags.tag({ kind: targetKind as TagTargetKind, target, label, note, createdBy: ctx.principal.name });
  }

  @Extensions({ [ROLE_EXTENSION]: 'importer' })
  @Mutation(() => Boolean, { description: 'Removes a tag (importer or admin keys); false when the target did not carry that label.' })
  untag(
    @Arg('targetKind', () => TagTargetKindEnum) targetKind: TagTargetKindEnum,
    @Arg('target', { description: TARGET_HELP }) target: string,
    @Arg('label') label: string,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.tags.untag({ kind: targetKind as TagTargetKind, target, label });
  }

  @Query(() => [AnalystTagType], { description: 'Every analyst tag of the organisation, newest first (optionally of one kind or label).' })
  tags(
    @Ctx() ctx: RequestContext,
    @Arg('targetKind', () => TagTargetKindEnum, { nullable: true }) targetKind?: TagTargetKindEnum | null,
    @Arg('label', () => String, { nullable: true }) label?: string | null,
  ) {
    return ctx.services.tags.list({ kind: (targetKind ?? null) as TagTargetKind | null, label });
  }
}

const TAGS_HELP = 'Analyst tags on it, by label.';
const tagsOf = (ctx: RequestContext, kind: TagTargetKind, key: string) => ctx.loaders.tagsByTarget.load(`${kind}:${key}`);

@Resolver(() => ClientIpType)
export class ClientIpTagsResolver {
  @FieldResolver(() => [AnalystTagType], { description: TAGS_HELP })
  tags(@Root() ip: ClientIpType, @Ctx() ctx: RequestContext) {
    return tagsOf(ctx, 'IP', ip.address);
  }
}

@Resolver(() => SessionType)
export class SessionTagsResolver {
  @FieldResolver(() => [AnalystTagType], { description: TAGS_HELP })
  tags(@Root() session: SessionType, @Ctx() ctx: RequestContext) {
    return tagsOf(ctx, 'SESSION', session.sessionId);
  }
}

@Resolver(() => AppType)
export class AppTagsResolver {
  @FieldResolver(() => [AnalystTagType], { description: TAGS_HELP })
  tags(@Root() app: AppType, @Ctx() ctx: RequestContext) {
    return tagsOf(ctx, 'APP', app.appId);
  }
}

@Resolver(() => MailboxType)
export class MailboxTagsResolver {
  @FieldResolver(() => [AnalystTagType], { description: TAGS_HELP })
  tags(@Root() mailbox: MailboxType, @Ctx() ctx: RequestContext) {
    return tagsOf(ctx, 'MAILBOX', mailbox.userPrincipalName);
  }
}
