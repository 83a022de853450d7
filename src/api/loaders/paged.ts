/**
 * DataLoaders for connections nested under lists (e.g. each session's messageAccesses under clientIp.sessions):
 * all parents that ask for the same page (same first/after) are answered by ONE query that takes the top N rows
 * per parent with a LATERAL join on the (parent, sort, id) index, so the statement count does not grow with the
 * number of parents. Counts for totalCount are batched the same way.
 */
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { toConnection, type ConnectionResult, type CursorKey } from '../pagination';
import { decodeKeyset, type KeyType } from '../services/keyset';

export interface PagedChildSpec<Row> {
  /** Table (or subquery in parentheses) with the rows. */
  from: string;
  /** Column holding the parent id, e.g. session_id. */
  parentColumn: string;
  /** Type of the parent key: bigint ids (default) or text (e.g. an InternetMessageId). */
  parentType?: 'bigint' | 'text';
  /** Ordering column (ascending; ties broken by id). */
  sortColumn: string;
  /** SQL type of the ordering column, to check cursors (default bigint). */
  sortType?: KeyType;
  /** Column list to select, e.g. "t.*". The table alias is t. */
  select: string;
  /** Extra filter on t, with parameters numbered from $4 (e.g. an org or a time window). */
  where?: string;
  params?: unknown[];
  /** Maps a database row (snake_case) to the node the resolver returns. */
  toNode: (row: Record<string, unknown>) => Row;
  /** The keyset of a node: [sortValue, id]. */
  keyOf: (node: Row) => CursorKey;
}

export interface PageRequest {
  parentId: string;
  first: number;
  after: string | null;
}

export type PagedChildLoader<Row> = DataLoader<PageRequest, ConnectionResult<Row>, string>;

export function createPagedChildLoader<Row>(dataSource: DataSource, spec: PagedChildSpec<Row>): PagedChildLoader<Row> {
  const extraWhere = spec.where ? ` AND (${spec.where})` : '';
  const parentType = spec.parentType ?? 'bigint';
  const sortType = spec.sortType ?? 'bigint';
  const counts = new DataLoader<string, number>(async (parentIds) => {
    const rows: { parent: string; n: string }[] = await dataSource.query(
      `SELECT t.${spec.parentColumn}::text AS parent, count(*) AS n FROM ${spec.from} t
       WHERE t.${spec.parentColumn} = ANY($1::${parentType}[])${extraWhere.replace(/\$(\d+)/g, (_m, d) => `$${Number(d) - 2}`)}
       GROUP BY 1`,
      [parentIds, ...(spec.params ?? [])],
    );
    const byParent = new Map(rows.map((r) => [r.parent, Number(r.n)]));
    return parentIds.map((id) => byParent.get(id) ?? 0);
  });

  return new DataLoader<PageRequest, ConnectionResult<Row>, string>(
    async (requests) => {
      // Siblings in one response share first/after: group by them, one query per group.
      const groups = new Map<string, PageRequest[]>();
      for (const r of requests) {
        const key = `${r.first}|${r.after ?? ''}`;
        const group = groups.get(key);
        if (group) group.push(r);
        else groups.set(key, [r]);
      }
      const answers = new Map<string, ConnectionResult<Row> | Error>();
      for (const group of groups.values()) {
        const { first, after } = group[0];
        let cursor: CursorKey | null;
        try {
          cursor = decodeKeyset(after, [sortType, 'bigint']);
        } catch (error) {
          for (const r of group) answers.set(requestKey(r), error as Error);
          continue;
        }
        const parentIds = [...new Set(group.map((r) => r.parentId))];
        const keyset = cursor
          ? ` AND (t.${spec.sortColumn}, t.id) > ($2::${sortType}, $3::bigint)`
          : ` AND $2::${sortType} IS NULL AND $3::bigint IS NULL`;
        const rows: Record<string, unknown>[] = await dataSource.query(
          `SELECT p.parent::text AS __parent, x.* FROM unnest($1::${parentType}[]) AS p(parent)
           CROSS JOIN LATERAL (
             SELECT ${spec.select} FROM ${spec.from} t
             WHERE t.${spec.parentColumn} = p.parent${keyset}${extraWhere}
             ORDER BY t.${spec.sortColumn}, t.id LIMIT ${first + 1}
           ) x`,
          [parentIds, cursor ? cursor[0] : null, cursor ? cursor[1] : null, ...(spec.params ?? [])],
        );
        const byParent = new Map<string, Row[]>();
        for (const row of rows) {
          const parent = row.__parent as string;
          const list = byParent.get(parent);
          if (list) list.push(spec.toNode(row));
          else byParent.set(parent, [spec.toNode(row)]);
        }
        for (const r of group) {
          answers.set(
            requestKey(r),
            toConnection(byParent.get(r.parentId) ?? [], first, spec.keyOf, () => counts.load(r.parentId)),
          );
        }
      }
      return requests.map((r) => answers.get(requestKey(r))!);
    },
    { cacheKeyFn: requestKey },
  );
}

function requestKey(r: PageRequest): string {
  return `${r.parentId}|${r.first}|${r.after ?? ''}`;
}
