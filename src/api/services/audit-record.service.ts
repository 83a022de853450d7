/** Audit records: the evidence, each with its AuditData verbatim and the import batch it came from. */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import type { AuditRecordType, MailAccessTypeEnum } from '../graphql/types/entities.type';
import type { ChildPageQuery, ConnectionResult } from '../../db/pages';
import { keysetPage, timeKey } from './keyset';
import { auditRecordFromRow, inKeyOrder, noteRelated, RECORD_COLUMNS, RECORD_WITH_CLIENT_IP, type RelatedRows } from './rows';
import { withinSql, type TimeRange } from './time-range';

export interface AuditRecordFilter extends TimeRange {
  /** Lower-cased UPN. */
  mailbox: string | null;
  sessionId: string | null;
  /** Canonical address. */
  clientIp: string | null;
  operation: string | null;
  mailAccessType: MailAccessTypeEnum | null;
  clientAppId: string | null;
  aadSessionId: string | null;
}

/** The value as given or lower-cased (GUIDs are stored lower-case, other ids as given). */
const anyCase = (column: Sql, value: string): Sql => sql`${column} = ANY(ARRAY[${value}, lower(${value})])`;

export class AuditRecordService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /** By AuditData.Id (GUIDs are stored lower-case) or the sha256: key of a record without one. */
  async findByKey(key: string): Promise<AuditRecordType | null> {
    const k = key.trim();
    const rows = await run(
      this.db,
      sql`SELECT r.* FROM audit_record r WHERE r.org_id = ${this.orgId} AND r.record_key = ANY(${[...new Set([k, k.toLowerCase()])]}::text[]) LIMIT 1`,
    );
    return rows.length ? auditRecordFromRow(rows[0]) : null;
  }

  /** Oldest first. Every filter given must match (AND); time bounds are inclusive. */
  page(filter: AuditRecordFilter, limit: number, after: string | null | undefined): Promise<ConnectionResult<AuditRecordType>> {
    const org = this.orgId;
    const where: Sql[] = [sql`r.org_id = ${org}`, withinSql(sql`r.creation_time`, filter)];
    if (filter.mailbox) where.push(sql`r.mailbox_id = (SELECT id FROM mailbox WHERE org_id = ${org} AND user_principal_name = ${filter.mailbox})`);
    if (filter.sessionId) where.push(sql`r.session_id = (SELECT id FROM session WHERE org_id = ${org} AND session_id = ${filter.sessionId})`);
    if (filter.clientIp) where.push(sql`r.client_ip_id = (SELECT id FROM client_ip WHERE org_id = ${org} AND address = ${filter.clientIp}::inet)`);
    if (filter.operation) where.push(sql`lower(r.operation) = lower(${filter.operation})`);
    if (filter.mailAccessType) where.push(sql`r.mail_access_type = ${filter.mailAccessType}`);
    if (filter.clientAppId) where.push(anyCase(sql`r.client_app_id`, filter.clientAppId.trim()));
    if (filter.aadSessionId) where.push(anyCase(sql`r.aad_session_id`, filter.aadSessionId));
    return keysetPage({
      db: this.db,
      from: sql`audit_record r`,
      select: RECORD_COLUMNS('r'),
      where,
      order: { columns: [sql`r.creation_time`, sql`r.id`], types: ['timestamptz', 'bigint'] },
      after,
      limit,
      toNode: auditRecordFromRow,
      keyOf: (r) => [timeKey(r.creationTime), r.id],
    });
  }

  async byIds(ids: readonly string[]): Promise<(AuditRecordType | null)[]> {
    const rows = await run(this.db, sql`SELECT ${RECORD_COLUMNS('r')} FROM audit_record r WHERE r.org_id = ${this.orgId} AND r.id = ANY(${ids}::bigint[])`);
    return inKeyOrder(ids, rows.map(auditRecordFromRow), (r) => r.id);
  }

  /** The original AuditData of records, for AuditRecord.raw. */
  async rawByIds(ids: readonly string[]): Promise<unknown[]> {
    const rows: { id: string; raw: unknown }[] = await run(
      this.db,
      sql`SELECT r.id::text AS id, r.raw FROM audit_record r WHERE r.org_id = ${this.orgId} AND r.id = ANY(${ids}::bigint[])`,
    );
    const byId = new Map(rows.map((r) => [r.id, r.raw]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** A session's records, oldest first, with their client IP. */
  recordsOfSession(related: RelatedRows): ChildPageQuery<AuditRecordType> {
    return {
      from: RECORD_WITH_CLIENT_IP,
      parent: { column: 'session_id', type: 'bigint' },
      sort: { column: 'creation_time', type: 'timestamptz' },
      select: sql`t.*`,
      where: sql`t.org_id = ${this.orgId}`,
      toNode: (row) => {
        noteRelated(row, related);
        return auditRecordFromRow(row);
      },
      keyOf: (r) => [timeKey(r.creationTime), r.id],
    };
  }
}
