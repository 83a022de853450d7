/** `mailtrail tag add | remove | list`: analyst tags from the command line, recorded as set by 'cli'. */
import type { DataSource } from 'typeorm';
import { OrganizationService } from '../api/services/organization.service';
import { TagService, type AnalystTagView, type TagTargetKind } from '../api/services/tag.service';
import { UserInputError } from '../errors';
import { DEFAULT_ORG_ID } from '../model/organization.entity';
import type { Parsed } from './args';

const iso = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + 'Z';

function table(tags: AnalystTagView[]): string {
  const header = ['KIND', 'TARGET', 'LABEL', 'BY', 'AT', 'NOTE'];
  const rows = tags.map((t) => [t.targetKind, t.target, t.label, t.createdBy, iso(t.createdAt), t.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

/** The service for --org (id or slug), or null (with a message) when no such organisation exists. */
async function tagsFor(db: DataSource, parsed: Parsed): Promise<TagService | null> {
  const orgText = parsed.values.org as string | undefined;
  if (orgText === undefined) return new TagService(db, DEFAULT_ORG_ID);
  const org = await new OrganizationService(db).find(orgText);
  if (!org) process.stderr.write(`mailtrail: no organisation has id or slug '${orgText}'.\n`);
  return org ? new TagService(db, org.id) : null;
}

/** Input mistakes (an empty target, a label too long) are reported like usage errors, without a stack. */
async function reporting(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    process.stderr.write(`mailtrail: ${error.message}\n`);
    return 1;
  }
}

export const addTag = (db: DataSource, parsed: Parsed) =>
  reporting(async () => {
    const tags = await tagsFor(db, parsed);
    if (!tags) return 1;
    const [kind, target, label] = parsed.positionals;
    const tag = await tags.tag({ kind: kind.toUpperCase() as TagTargetKind, target, label, note: (parsed.values.note as string | undefined) ?? null, createdBy: 'cli' });
    process.stdout.write(`tagged ${tag.targetKind} ${tag.target} ${tag.label}\n`);
    return 0;
  });

export const removeTag = (db: DataSource, parsed: Parsed) =>
  reporting(async () => {
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
  reporting(async () => {
    const tags = await tagsFor(db, parsed);
    if (!tags) return 1;
    const kind = (parsed.values.kind as string | undefined)?.toUpperCase() as TagTargetKind | undefined;
    const list = await tags.list({ kind: kind ?? null, label: (parsed.values.label as string | undefined) ?? null });
    process.stdout.write(parsed.values.json ? JSON.stringify(list, null, 2) + '\n' : table(list));
    return 0;
  });
