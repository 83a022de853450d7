/**
 * DataLoaders for connections nested under lists (e.g. each session's messageAccesses under clientIp.sessions):
 * all parents that ask for the same page (same first/after) are answered by ONE query that takes the top N rows
 * per parent with a LATERAL join on the (parent, sort, id) index, so the statement count does not grow with the
 * number of parents. Counts for totalCount are batched the same way.
 */
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { run, sql } from '../../../db/sql';
import { decodeKeyset, toConnection, type ChildPageQuery, type ConnectionResult, type CursorKey } from '../../../db/pages';

export interface PageRequest {
  parentId: string;
  first: number;
  after: string | null;
}

export type PagedChildLoader<Row> = DataLoader<PageRequest, ConnectionResult<Row>, string>;

export function createPagedChildLoader<Row>(dataSource: DataSource, spec: ChildPageQuery<Row>): PagedChildLoader<Row> {
  const parentColumn = sql.ident('t', spec.parent.column);
  const parentType = sql.ident(spec.parent.type);
  const sortColumn = sql.ident('t', spec.sort.column);
  const counts = new DataLoader<string, number>(async (parentIds) => {
    const rows: { parent: string; n: string }[] = await run(
      dataSource,
      sql`SELECT ${parentColumn}::text AS parent, count(*) AS n FROM ${spec.countFrom ?? spec.from} t
       WHERE ${parentColumn} = ANY(${parentIds}::${parentType}[]) AND (${spec.where})
       GROUP BY 1`,
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
          cursor = decodeKeyset(after, [spec.sort.type, 'bigint']);
        } catch (error) {
          for (const r of group) answers.set(requestKey(r), error as Error);
          continue;
        }
        const parentIds = [...new Set(group.map((r) => r.parentId))];
        const keyset = cursor ? sql` AND (${sortColumn}, t.id) > (${cursor[0]}::${sql.ident(spec.sort.type)}, ${cursor[1]}::bigint)` : sql.empty;
        const rows: Record<string, unknown>[] = await run(
          dataSource,
          sql`SELECT p.parent::text AS __parent, x.* FROM unnest(${parentIds}::${parentType}[]) AS p(parent)
           CROSS JOIN LATERAL (
             SELECT ${spec.select} FROM ${spec.from} t
             WHERE ${parentColumn} = p.parent${keyset} AND (${spec.where})
             ORDER BY ${sortColumn}, t.id LIMIT ${first + 1}
           ) x`,
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
