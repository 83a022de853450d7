/**
 * What a folder held when a Sync record downloaded it. A Sync names a folder, not its messages; they are known from
 * other evidence, strongest first:
 *   INVENTORY     an imported mailbox inventory lists the message in the folder (not when it says the message
 *                 arrived after the Sync);
 *   BOUND_BEFORE  someone bound the message in the folder at or before the Sync;
 *   BOUND_AFTER   someone bound it there only later (it may have arrived after the Sync).
 * Binds count whoever made them and whenever: the question is what was in the folder, not who read it.
 *
 * The same folder can be two `folder` rows (a record with a FolderId, another, or an inventory, with only its path):
 * rows of one mailbox with the same id or the same path, compared case-insensitively without leading or trailing
 * separators, are one folder here.
 */
import { sql, type Sql } from '../../db/sql';
import { PresumedEvidenceEnum } from '../graphql/types/enums';

/** Evidence ranks as SQL computes them (min = strongest) and back. */
export const EVIDENCE_BY_RANK = [PresumedEvidenceEnum.INVENTORY, PresumedEvidenceEnum.BOUND_BEFORE, PresumedEvidenceEnum.BOUND_AFTER] as const;

export function evidenceOfRank(rank: unknown): PresumedEvidenceEnum {
  const evidence = EVIDENCE_BY_RANK[Number(rank)];
  if (!evidence) throw new Error(`unknown presumed-evidence rank ${String(rank)}`);
  return evidence;
}

/** A folder path as compared across folder rows: `\Inbox`, `Inbox`, `/inbox/` are one folder. */
const samePath = (a: Sql, b: Sql) =>
  sql`lower(btrim(replace(${a}, '/', '\\'), '\\ ')) = lower(btrim(replace(${b}, '/', '\\'), '\\ '))`;

/** Pairs (folder_id, alias_id): alias_id is a folder row that is the same folder as folder_id (itself included). */
function aliasesOf(orgId: number, folderIds: Sql): Sql {
  return sql`SELECT f.id AS folder_id, f2.id AS alias_id, f.mailbox_id
    FROM folder f JOIN folder f2 ON f2.org_id = ${orgId} AND f2.mailbox_id = f.mailbox_id
      AND (f2.id = f.id OR ${samePath(sql`f2.path`, sql`f.path`)})
    WHERE f.org_id = ${orgId} AND f.id IN (${folderIds})`;
}

/**
 * The `inventory` and `content` CTEs shared by contentOfFolders and heldInFolders: the folders' inventoried messages
 * joined to `bound` (folder_id, message_id, bound_at and the `boundColumns` after them).
 */
function inventoryAndContent(orgId: number, boundColumns: Sql): Sql {
  return sql`inventory AS (
      SELECT x.folder_id, i.message_id, bool_or(i.observed_at IS NULL) AS inventory_undated, min(i.observed_at) AS observed_at
      FROM aliases x JOIN folder_inventory i ON i.org_id = ${orgId} AND i.mailbox_id = x.mailbox_id AND i.folder_id = x.alias_id
      GROUP BY 1, 2),
    content AS (
      SELECT coalesce(i.folder_id, b.folder_id) AS folder_id, coalesce(i.message_id, b.message_id) AS message_id,
             i.folder_id IS NOT NULL AS in_inventory, coalesce(i.inventory_undated, false) AS inventory_undated, i.observed_at,
             b.bound_at${boundColumns}
      FROM inventory i FULL JOIN bound b ON b.folder_id = i.folder_id AND b.message_id = i.message_id)`;
}

/**
 * The evidence rank of one (content row, sync) pair, NULL when the row does not place the message in the folder at
 * the sync: INVENTORY (0), BOUND_BEFORE (1), BOUND_AFTER (2). An inventory row whose time is after the Sync says
 * the message arrived later, so it is no evidence for that Sync (a Bind may still be).
 */
export function evidenceRankSql(content: string, syncedAt: Sql): Sql {
  const c = (column: string) => sql.ident(content, column);
  return sql`CASE WHEN ${c('in_inventory')} AND (${c('inventory_undated')} OR ${c('observed_at')} <= ${syncedAt}) THEN 0
    WHEN ${c('bound_at')} <= ${syncedAt} THEN 1 WHEN ${c('bound_at')} IS NOT NULL THEN 2 END`;
}

/**
 * CTEs (to follow WITH) ending in `content(folder_id, message_id, in_inventory, inventory_undated, observed_at,
 * bound_at, bound_record_id)` for the folders `folderIds` (a SELECT of folder ids): every message known to be in
 * each of them, with its earliest inventory time and its first Bind in the folder (time and record).
 */
export function contentOfFolders(orgId: number, folderIds: Sql): Sql {
  return sql`aliases AS (${aliasesOf(orgId, folderIds)}),
    bound AS (
      SELECT DISTINCT ON (x.folder_id, a.message_id) x.folder_id, a.message_id, r.creation_time AS bound_at, a.record_id AS bound_record_id
      FROM aliases x JOIN message_access a ON a.folder_id = x.alias_id JOIN audit_record r ON r.id = a.record_id
      WHERE a.org_id = ${orgId}
      ORDER BY x.folder_id, a.message_id, r.creation_time, a.record_id),
    ${inventoryAndContent(orgId, sql`, b.bound_record_id`)}`;
}

/**
 * CTEs (to follow WITH) as contentOfFolders, without the first Bind's record: `aliases` and `content(folder_id,
 * message_id, in_inventory, inventory_undated, observed_at, bound_at)`. The first Bind's time is a hashed min()
 * per (folder, message), not a sort of every Bind of the folders; firstBindRecordSql finds the record for the few
 * rows that need it.
 */
export function heldInFolders(orgId: number, folderIds: Sql): Sql {
  return sql`aliases AS MATERIALIZED (${aliasesOf(orgId, folderIds)}),
    bound AS (
      SELECT x.folder_id, a.message_id, min(r.creation_time) AS bound_at
      FROM aliases x JOIN message_access a ON a.folder_id = x.alias_id JOIN audit_record r ON r.id = a.record_id
      WHERE a.org_id = ${orgId}
      GROUP BY x.folder_id, a.message_id),
    ${inventoryAndContent(orgId, sql.empty)}`;
}

/**
 * The first Bind (by time, then record) of `message` in folder `folder` or any of its aliases, as contentOfFolders'
 * bound_record_id: a scalar subquery over the `aliases` CTE of heldInFolders, by the message's accesses.
 */
export function firstBindRecordSql(orgId: number, folder: Sql, message: Sql): Sql {
  return sql`(SELECT a.record_id FROM aliases x JOIN message_access a ON a.folder_id = x.alias_id JOIN audit_record r ON r.id = a.record_id
    WHERE x.folder_id = ${folder} AND a.org_id = ${orgId} AND a.message_id = ${message}
    ORDER BY r.creation_time, a.record_id LIMIT 1)`;
}

/**
 * CTEs (to follow WITH) ending in `content(...)` as contentOfFolders, for the messages `messageIds` (bigint[]
 * parameter) in every folder that holds them, under each alias of that folder (so a Sync of any alias finds it).
 */
export function contentOfMessages(orgId: number, messageIds: readonly string[]): Sql {
  return sql`bound_here AS (
      SELECT DISTINCT ON (a.folder_id, a.message_id) a.folder_id, a.message_id, r.creation_time AS bound_at, a.record_id AS bound_record_id
      FROM message_access a JOIN audit_record r ON r.id = a.record_id
      WHERE a.org_id = ${orgId} AND a.message_id = ANY(${messageIds}::bigint[])
      ORDER BY a.folder_id, a.message_id, r.creation_time, a.record_id),
    inventory_here AS (
      SELECT i.folder_id, i.message_id, bool_or(i.observed_at IS NULL) AS inventory_undated, min(i.observed_at) AS observed_at
      FROM folder_inventory i WHERE i.org_id = ${orgId} AND i.message_id = ANY(${messageIds}::bigint[])
      GROUP BY 1, 2),
    here AS (
      SELECT coalesce(i.folder_id, b.folder_id) AS folder_id, coalesce(i.message_id, b.message_id) AS message_id,
             i.folder_id IS NOT NULL AS in_inventory, coalesce(i.inventory_undated, false) AS inventory_undated, i.observed_at,
             b.bound_at, b.bound_record_id
      FROM inventory_here i FULL JOIN bound_here b ON b.folder_id = i.folder_id AND b.message_id = i.message_id),
    aliases AS (${aliasesOf(orgId, sql`SELECT folder_id FROM here`)}),
    content AS (
      SELECT x.alias_id AS folder_id, h.message_id, bool_or(h.in_inventory) AS in_inventory,
             bool_or(h.in_inventory AND h.inventory_undated) AS inventory_undated, min(h.observed_at) AS observed_at,
             min(h.bound_at) AS bound_at, (array_agg(h.bound_record_id ORDER BY h.bound_at, h.bound_record_id) FILTER (WHERE h.bound_at IS NOT NULL))[1] AS bound_record_id
      FROM here h JOIN aliases x ON x.folder_id = h.folder_id
      GROUP BY x.alias_id, h.message_id)`;
}
