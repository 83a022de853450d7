/** Reads of the access log (writes are access-log.ts's, batched after the answers): oldest first, of the caller's org. */
import type { DataSource } from 'typeorm';
import { sql } from '../../db/sql';
import { flushAccessLogs } from '../http/access-log';
import { keysetPage, timeKey } from './keyset';
import { withinSql, type TimeRange } from './time-range';

export interface AccessLogEntry {
  id: string;
  at: Date;
  keyId: number | null;
  keyName: string | null;
  route: string;
  operation: string | null;
  variables: Record<string, unknown> | null;
  rowsReturned: number | null;
  status: number;
  durationMs: number;
}

export interface AccessLogFilter extends TimeRange {
  keyName: string | null;
}

const entryFromRow = (r: Record<string, unknown>): AccessLogEntry => ({
  id: String(r.id),
  at: r.at as Date,
  keyId: r.key_id as number | null,
  keyName: r.key_name as string | null,
  route: r.route as string,
  operation: r.operation as string | null,
  variables: r.variables as Record<string, unknown> | null,
  rowsReturned: r.rows_returned as number | null,
  status: r.status as number,
  durationMs: r.duration_ms as number,
});

export class AccessLogService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  async page(filter: AccessLogFilter, limit: number, after: string | null | undefined) {
    // Requests already answered by this process are in the log before it is read (their rows are written in batches).
    await flushAccessLogs();
    return keysetPage({
      db: this.db,
      from: sql`access_log l`,
      select: sql`l.id, l.at, l.key_id, l.key_name, l.route, l.operation, l.variables, l.rows_returned, l.status, l.duration_ms`,
      where: [
        sql`l.org_id = ${this.orgId}`,
        withinSql(sql`l.at`, filter),
        ...(filter.keyName === null ? [] : [sql`l.key_name = ${filter.keyName}`]),
      ],
      order: { columns: [sql`l.at`, sql`l.id`], types: ['timestamptz', 'bigint'] },
      after,
      limit,
      toNode: entryFromRow,
      keyOf: (e) => [timeKey(e.at), e.id],
    });
  }
}
