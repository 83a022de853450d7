/**
 * DataLoaders for connections nested under lists (e.g. each session's messageAccesses under clientIp.sessions):
 * all parents that ask for the same page (same first/after) are answered by ONE query that takes the top N rows
 * per parent with a LATERAL join on the (parent, sort, id) index, so the statement count does not grow with the
 * number of parents. Counts for totalCount are batched the same way, or come with the page (countWithPage).
 */
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { run, sql } from '../../../db/sql';
import { decodeKeyset, toConnection, type ChildPageQuery, type ConnectionResult, type CursorKey } from '../../../db/pages';

export interface PageRequest {
  parentId: string;
  first: number;
  after: string | null;
  /** The client selected totalCount (a hint: the count may then come with the page, see countWithPage). */
  wantsTotal?: boolean;
  /** The parent's total, when it is kept (Session.messageAccessCount): then nothing counts it. */
  knownTotal?: number;
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
      spec.plan,
    );
    const byParent = new Map(rows.map((r) => [r.parent, Number(r.n)]));
    return parentIds.map((id) => byParent.get(id) ?? 0);
  });

  return new DataLoader<PageRequest, ConnectionResult<Row>, string>(
    async (requests) => {
      // Siblings in one response share first/after: group by them, one query per group.
      const groups = new Map<string, PageRequest[]>();
      for (const r of requests) {
        if (r.knownTotal !== undefined) counts.prime(r.parentId, r.knownTotal);
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
        const withTotal = !!spec.countWithPage && !cursor && group.some((r) => r.wantsTotal && r.knownTotal === undefined);
        const total = withTotal ? sql`, count(*) OVER () AS __total` : sql.empty;
        const page = spec.widen
          ? spec.widen(
              sql`(SELECT t.*${total} FROM ${spec.countFrom ?? spec.from} t
                WHERE ${parentColumn} = p.parent${keyset} AND (${spec.where}) ORDER BY ${sortColumn}, t.id LIMIT ${first + 1})`,
              withTotal,
            )
          : sql`SELECT ${spec.select}${total} FROM ${spec.from} t
             WHERE ${parentColumn} = p.parent${keyset} AND (${spec.where})
             ORDER BY ${sortColumn}, t.id LIMIT ${first + 1}`;
        const rows: Record<string, unknown>[] = await run(
          dataSource,
          sql`SELECT p.parent::text AS __parent, x.* FROM unnest(${parentIds}::${parentType}[]) AS p(parent)
           CROSS JOIN LATERAL (${page}) x`,
          spec.plan,
        );
        const byParent = new Map<string, Row[]>();
        for (const row of rows) {
          const parent = row.__parent as string;
          // Every row of a parent carries the same total; the count loader answers from it without a statement.
          if (withTotal && !byParent.has(parent)) counts.prime(parent, Number(row.__total));
          const list = byParent.get(parent);
          if (list) list.push(spec.toNode(row));
          else byParent.set(parent, [spec.toNode(row)]);
        }
        // A parent without rows has none to count.
        if (withTotal) for (const id of parentIds) if (!byParent.has(id)) counts.prime(id, 0);
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
