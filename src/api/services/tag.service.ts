/**
 * Analyst tags: a verdict (malicious, office-nat, a free label...) on an IP, a session, an app or a mailbox, by whom
 * and when. Targets are named by their natural keys (tagKeyOf) so a tag may precede the data that names it. The
 * same service serves the API (created_by = the API key's name) and the CLI (created_by = 'cli').
 */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import { canonicalIp } from '../../import/normalize';
import { UserInputError } from '../../errors';
import { groupedInKeyOrder } from './rows';

export type TagTargetKind = 'IP' | 'SESSION' | 'APP' | 'MAILBOX';
export const TAG_TARGET_KINDS: readonly TagTargetKind[] = ['IP', 'SESSION', 'APP', 'MAILBOX'];

/** The labels the product knows; any other short label is accepted as the analyst's own. */
export const KNOWN_TAG_LABELS = ['malicious', 'suspicious', 'benign', 'office-nat', 'microsoft'] as const;

export interface AnalystTagView {
  targetKind: TagTargetKind;
  target: string;
  label: string;
  note: string | null;
  createdBy: string;
  createdAt: Date;
}

const MAX_LABEL = 64;
const MAX_NOTE = 2000;

/**
 * The key a target is stored under, the same one the read side compares with: canonical IP text (a non-IP
 * address verbatim, trimmed), the SessionId as given, the app id lower-cased without {braces}, the UPN lower-cased.
 */
export function tagKeyOf(kind: TagTargetKind, target: string): string {
  const t = (target ?? '').trim();
  if (!t) throw new UserInputError('target is empty: pass the IP address, session id, app id or mailbox UPN to tag.');
  if (t.length > 1000) throw new UserInputError('target is longer than 1000 characters.');
  switch (kind) {
    case 'IP':
      return canonicalIp(t)?.address ?? t;
    case 'APP':
      return t.replace(/^\{(.*)\}$/, '$1').toLowerCase();
    case 'MAILBOX':
      return t.toLowerCase();
    default:
      return t;
  }
}

/** Labels are compared lower-cased; a free label is 1-64 printable characters. */
export function tagLabelOf(label: string): string {
  const l = (label ?? '').trim().toLowerCase();
  if (!l || l.length > MAX_LABEL || /[\u0000-\u001f\u007f]/.test(l)) {
    throw new UserInputError(`label must be 1-${MAX_LABEL} printable characters, e.g. one of ${KNOWN_TAG_LABELS.join(', ')}.`);
  }
  return l;
}

/** null or [] = no restriction. */
export function tagLabelsArg(labels: string[] | null | undefined): string[] | null {
  if (!labels || labels.length === 0) return null;
  return [...new Set(labels.map(tagLabelOf))];
}

/** How a row of a list names its target, for the tagged/notTagged filters. */
export const TAG_KEY_SQL: Record<TagTargetKind, (alias: string) => Sql> = {
  IP: (a) => sql`coalesce(host(${sql.ident(a, 'address')}), ${sql.ident(a, 'verbatim')})`,
  SESSION: (a) => sql.ident(a, 'session_id'),
  APP: (a) => sql.ident(a, 'app_id'),
  MAILBOX: (a) => sql.ident(a, 'user_principal_name'),
};

/** The list filters: with any of `tagged`, with none of `notTagged` (each null = no restriction). */
export interface TagFilter {
  tagged?: string[] | null;
  notTagged?: string[] | null;
}

export function tagFilterSql(orgId: number, kind: TagTargetKind, key: Sql, filter: TagFilter): Sql[] {
  const hasAny = (labels: string[]) =>
    sql`EXISTS (SELECT 1 FROM analyst_tag tg WHERE tg.org_id = ${orgId} AND tg.target_kind = ${kind} AND tg.target_key = ${key} AND tg.label = ANY(${labels}::text[]))`;
  const out: Sql[] = [];
  if (filter.tagged?.length) out.push(hasAny(filter.tagged));
  if (filter.notTagged?.length) out.push(sql`NOT ${hasAny(filter.notTagged)}`);
  return out;
}

/** True when the target (`key`, an SQL expression) carries any of `labels` (null = never). */
export function taggedSql(orgId: number, kind: TagTargetKind, key: Sql, labels: string[] | null): Sql {
  if (!labels?.length) return sql`false`;
  return sql`EXISTS (SELECT 1 FROM analyst_tag tg WHERE tg.org_id = ${orgId} AND tg.target_kind = ${kind} AND tg.target_key = ${key} AND tg.label = ANY(${labels}::text[]))`;
}

const TAG_COLUMNS = sql`target_kind, target_key, label, note, created_by, created_at`;

function tagFromRow(r: Record<string, unknown>): AnalystTagView {
  return {
    targetKind: r.target_kind as TagTargetKind,
    target: String(r.target_key),
    label: String(r.label),
    note: r.note === null ? null : String(r.note),
    createdBy: String(r.created_by),
    createdAt: r.created_at as Date,
  };
}

export class TagService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /**
   * The stored key of a target, as SQL. Session ids are kept as the records wrote them, so a session id given in
   * another case names the stored session when there is one (as session(sessionId:) finds it).
   */
  private keySql(kind: TagTargetKind, target: string): Sql {
    const key = tagKeyOf(kind, target);
    if (kind !== 'SESSION') return sql`${key}::text`;
    const spellings = [...new Set([key, key.toLowerCase(), key.toUpperCase()])];
    return sql`coalesce((SELECT s.session_id FROM session s WHERE s.org_id = ${this.orgId} AND s.session_id = ANY(${spellings}::text[])
      ORDER BY s.session_id = ${key}::text DESC, s.id LIMIT 1), ${key}::text)`;
  }

  /** Adds the tag, or updates its note (and who/when) when the target already carries that label. */
  async tag(input: { kind: TagTargetKind; target: string; label: string; note?: string | null; createdBy: string }): Promise<AnalystTagView> {
    const note = input.note?.trim() || null;
    if (note && note.length > MAX_NOTE) throw new UserInputError(`note is longer than ${MAX_NOTE} characters.`);
    const [row] = await run(
      this.db,
      sql`INSERT INTO analyst_tag AS t (org_id, target_kind, target_key, label, note, created_by)
       VALUES (${this.orgId}, ${input.kind}, ${this.keySql(input.kind, input.target)}, ${tagLabelOf(input.label)}, ${note}, ${input.createdBy})
       ON CONFLICT ON CONSTRAINT uq_analyst_tag_target_label
       DO UPDATE SET note = excluded.note, created_by = excluded.created_by, created_at = now()
       RETURNING ${TAG_COLUMNS}`,
    );
    return tagFromRow(row);
  }

  /** True when a tag was removed. */
  async untag(input: { kind: TagTargetKind; target: string; label: string }): Promise<boolean> {
    // As a SELECT: a bare DELETE answers [rows, count] through TypeORM, not rows.
    const [row]: { n: string }[] = await run(
      this.db,
      sql`WITH gone AS (DELETE FROM analyst_tag WHERE org_id = ${this.orgId} AND target_kind = ${input.kind}
       AND target_key = ${this.keySql(input.kind, input.target)} AND label = ${tagLabelOf(input.label)} RETURNING id)
       SELECT count(*) AS n FROM gone`,
    );
    return Number(row.n) > 0;
  }

  /** Every tag of the organisation (optionally of one kind / label), newest first. */
  async list(filter: { kind?: TagTargetKind | null; label?: string | null } = {}): Promise<AnalystTagView[]> {
    const label = filter.label ? tagLabelOf(filter.label) : null;
    const rows = await run(
      this.db,
      sql`SELECT ${TAG_COLUMNS} FROM analyst_tag WHERE org_id = ${this.orgId}
       AND (${filter.kind ?? null}::text IS NULL OR target_kind = ${filter.kind ?? null}::text)
       AND (${label}::text IS NULL OR label = ${label}::text)
       ORDER BY created_at DESC, id DESC`,
    );
    return rows.map(tagFromRow);
  }

  /** Tags of many targets in one statement; keys are `KIND:key` (loaders/tags-by-target.loader.ts). */
  async byTargets(keys: readonly string[]): Promise<AnalystTagView[][]> {
    const kinds = keys.map((k) => k.slice(0, k.indexOf(':')));
    const targets = keys.map((k) => k.slice(k.indexOf(':') + 1));
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT t.target_kind || ':' || t.target_key AS key, ${TAG_COLUMNS} FROM analyst_tag t
       JOIN unnest(${kinds}::text[], ${targets}::text[]) AS u(kind, target) ON t.target_kind = u.kind AND t.target_key = u.target
       WHERE t.org_id = ${this.orgId} ORDER BY t.label`,
    );
    return groupedInKeyOrder(keys, rows.map((r) => ({ key: String(r.key), value: tagFromRow(r) })));
  }
}
