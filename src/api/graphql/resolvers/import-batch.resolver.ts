import { Arg, Args, Ctx, Extensions, Field, FieldResolver, ID, InputType, Mutation, Query, Resolver, Root } from 'type-graphql';
import { batchView, type ImportBatchView } from '../../../import/import-batches';
import type { RequestContext } from '../context';
import { UserInputError } from '../../../errors';
import { ROLE_EXTENSION } from '../role-gate';
import { Connection, pageSize } from '../pagination';
import { ImportBatchType, ImportFormatEnum, ImportRejectionType } from '../types/entities.type';
import { PageArgs, pageOf } from './page-args';

const ImportRejectionConnection = Connection(ImportRejectionType, 'ImportRejection');
const ImportBatchConnection = Connection(ImportBatchType, 'ImportBatch');

@InputType()
class ImportAuditLogInput {
  @Field({ description: 'The export as text: a Management API content blob, NDJSON, a CSV export...' })
  content!: string;

  @Field(() => String, { nullable: true })
  fileName?: string | null;

  @Field(() => ImportFormatEnum, { nullable: true, defaultValue: ImportFormatEnum.AUTO })
  format?: ImportFormatEnum | null;
}

@Resolver(() => ImportBatchType)
export class ImportBatchResolver {
  @Query(() => ImportBatchType, { nullable: true, description: 'One import batch; null when there is none with this id.' })
  async importBatch(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ImportBatchView | null> {
    const batch = await ctx.services.importBatches.find(ctx.orgId, id);
    return batch ? batchView(batch) : null;
  }

  @Query(() => ImportBatchConnection, { description: 'Import batches, newest first.' })
  importBatches(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ) {
    return ctx.services.importBatches.page(ctx.orgId, pageSize(page.first), page.after);
  }

  @FieldResolver(() => ImportRejectionConnection)
  rejections(
    @Root() batch: ImportBatchType,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
  ) {
    return ctx.loaders.rejectionsByBatch.load(pageOf(batch.id, page));
  }

  @Extensions({ [ROLE_EXTENSION]: 'importer' })
  @Mutation(() => ImportBatchType, {
    description: 'Loads audit data sent inline (a Management API content blob, NDJSON, a CSV export...). Size-limited: upload big files with POST /imports.',
  })
  async importAuditLog(@Arg('input') input: ImportAuditLogInput, @Ctx() ctx: RequestContext): Promise<ImportBatchView> {
    const size = Buffer.byteLength(input.content, 'utf8');
    if (size > ctx.limits.maxInlineImportBytes) {
      throw new UserInputError(
        `content is ${size} bytes; inline imports are limited to ${ctx.limits.maxInlineImportBytes} bytes (MAX_INLINE_IMPORT_BYTES). ` +
          'Upload larger files with POST /imports (streaming, gzip allowed) or the mailtrail import command.',
      );
    }
    const batches = await ctx.importer.importContent(input.content, {
      orgId: ctx.orgId,
      fileName: input.fileName ?? null,
      source: 'graphql',
      importedBy: ctx.principal.name,
      format: input.format ?? 'AUTO',
    });
    const failed = batches.find((b) => b.status === 'FAILED' && b.recordsRead === 0);
    if (failed && batches.length === 1) {
      throw new UserInputError(`${failed.error ?? 'The content could not be imported.'} (batch ${failed.id})`);
    }
    // Inline content is one file; a zip sent inline would give several batches: answer the first.
    return batchView(batches[0]);
  }
}
