/** `mailtrail tag add | remove | list`: analyst tags from the command line, recorded as set by 'cli'. */
import type { DataSource } from 'typeorm';
import { OrganizationService } from '../api/services/organization.service';
import { TagService, type AnalystTagView, type TagTargetKind } from '../api/services/tag.service';
import { DEFAULT_ORG_ID } from '../model/organization.entity';
import type { Parsed } from './args';
import { refusing } from './refusals';
import { formatTable, tableTime } from './table';

const table = (tags: AnalystTagView[]) =>
  formatTable(['KIND', 'TARGET', 'LABEL', 'BY', 'AT', 'NOTE'], tags.map((t) => [t.targetKind, t.target, t.label, t.createdBy, tableTime(t.createdAt), t.note ?? '']));

/** The service for --org (id or slug), or null (with a message) when no such organisation exists. */
async function tagsFor(db: DataSource, parsed: Parsed): Promise<TagService | null> {
  const orgText = parsed.values.org as string | undefined;
  if (orgText === undefined) return new TagService(db, DEFAULT_ORG_ID);
  const org = await new OrganizationService(db).find(orgText);
  if (!org) process.stderr.write(`mailtrail: no organisation has id or slug '${orgText}'.\n`);
  return org ? new TagService(db, org.id) : null;
}


export const addTag = (db: DataSource, parsed: Parsed) =>
  refusing(async () => {
    const tags = await tagsFor(db, parsed);
    if (!tags) return 1;
    const [kind, target, label] = parsed.positionals;
    const tag = await tags.tag({ kind: kind.toUpperCase() as TagTargetKind, target, label, note: (parsed.values.note as string | undefined) ?? null, createdBy: 'cli' });
    process.stdout.write(`tagged ${tag.targetKind} ${tag.target} ${tag.label}\n`);
    return 0;
  });

export const removeTag = (db: DataSource, parsed: Parsed) =>
  refusing(async () => {
    const tags = await tagsFor(db, parsed);
    if (!tags) return 1;
    const [kind, target, label] = parsed.positionals;
    if (await tags.untag({ kind: kind.toUpperCase() as TagTargetKind, target, label })) {
      process.stdout.write(`removed ${kind.toUpperCase()} ${target} ${label.toLowerCase()}\n`);
      return 0;
    }
    process.stderr.write(`mailtrail: ${kind.toUpperCase()} ${target} carries no tag '${label}' (see mailtrail tag list).\n`);
    return 1;
  });

export const listTags = (db: DataSource, parsed: Parsed) =>
  refusing(async () => {
    const tags = await tagsFor(db, parsed);
    if (!tags) return 1;
    const kind = (parsed.values.kind as string | undefined)?.toUpperCase() as TagTargetKind | undefined;
    const list = await tags.list({ kind: kind ?? null, label: (parsed.values.label as string | undefined) ?? null });
    process.stdout.write(parsed.values.json ? JSON.stringify(list, null, 2) + '\n' : table(list));
    return 0;
  });
