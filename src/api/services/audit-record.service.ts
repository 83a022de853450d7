/** Audit records: the evidence, each with its AuditData verbatim and the import batch it came from. */
import type { DataSource } from 'typeorm';
import { ImportBatch } from '../../model/import-batch.entity';
import type { PagedChildSpec } from '../loaders/paged';
import type { ConnectionResult } from '../pagination';
import type { AuditRecordType, MailAccessTypeEnum } from '../types/entities.type';
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

export class AuditRecordService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /** By AuditData.Id (GUIDs are stored lower-case) or the sha256: key of a record without one. */
  async findByKey(key: string): Promise<AuditRecordType | null> {
    const k = key.trim();
    const rows = await this.db.query(`SELECT r.* FROM audit_record r WHERE r.org_id = $1 AND r.record_key = ANY($2::text[]) LIMIT 1`, [
      this.orgId,
      [...new Set([k, k.toLowerCase()])],
    ]);
    return rows.length ? auditRecordFromRow(rows[0]) : null;
  }

  /** Oldest first. Every filter given must match (AND); time bounds are inclusive. */
  page(filter: AuditRecordFilter, limit: number, after: string | null | undefined): Promise<ConnectionResult<AuditRecordType>> {
    const params: unknown[] = [this.orgId, filter.from, filter.to];
    const where = ['r.org_id = $1', withinSql('r.creation_time', 2, 3)];
    const add = (condition: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (filter.mailbox) add((p) => `r.mailbox_id = (SELECT id FROM mailbox WHERE org_id = $1 AND user_principal_name = ${p})`, filter.mailbox);
    if (filter.sessionId) add((p) => `r.session_id = (SELECT id FROM session WHERE org_id = $1 AND session_id = ${p})`, filter.sessionId);
    if (filter.clientIp) add((p) => `r.client_ip_id = (SELECT id FROM client_ip WHERE org_id = $1 AND address = ${p}::inet)`, filter.clientIp);
    if (filter.operation) add((p) => `lower(r.operation) = lower(${p})`, filter.operation);
    if (filter.mailAccessType) add((p) => `r.mail_access_type = ${p}`, filter.mailAccessType);
    if (filter.clientAppId) add((p) => `r.client_app_id = ANY(ARRAY[${p}, lower(${p})])`, filter.clientAppId.trim());
    if (filter.aadSessionId) add((p) => `r.aad_session_id = ANY(ARRAY[${p}, lower(${p})])`, filter.aadSessionId);
    return keysetPage({
      db: this.db,
      from: 'audit_record r',
      select: RECORD_COLUMNS('r'),
      where,
      params,
      order: { columns: ['r.creation_time', 'r.id'], types: ['timestamptz', 'bigint'] },
      after,
      limit,
      toNode: auditRecordFromRow,
      keyOf: (r) => [timeKey(r.creationTime), r.id],
    });
  }

  async byIds(ids: readonly string[]): Promise<(AuditRecordType | null)[]> {
    const rows = await this.db.query(`SELECT ${RECORD_COLUMNS('r')} FROM audit_record r WHERE r.org_id = $1 AND r.id = ANY($2::bigint[])`, [
      this.orgId,
      ids,
    ]);
    return inKeyOrder(ids, rows.map(auditRecordFromRow), (r) => r.id);
  }

  /** The original AuditData of records, for AuditRecord.raw. */
  async rawByIds(ids: readonly string[]): Promise<unknown[]> {
    const rows: { id: string; raw: unknown }[] = await this.db.query(
      'SELECT r.id::text AS id, r.raw FROM audit_record r WHERE r.org_id = $1 AND r.id = ANY($2::bigint[])',
      [this.orgId, ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r.raw]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** A session's records, oldest first, with their client IP. */
  recordsOfSessionSpec(related: RelatedRows): PagedChildSpec<AuditRecordType> {
    return {
      from: RECORD_WITH_CLIENT_IP,
      parentColumn: 'session_id',
      sortColumn: 'creation_time',
      sortType: 'timestamptz',
      select: 't.*',
      where: 't.org_id = $4',
      params: [this.orgId],
      toNode: (row) => {
        noteRelated(row, related);
        return auditRecordFromRow(row);
      },
      keyOf: (r) => [timeKey(r.creationTime), r.id],
    };
  }

  async importBatchesByIds(ids: readonly string[]): Promise<(ImportBatch | null)[]> {
    const batches = await this.db
      .getRepository(ImportBatch)
      .createQueryBuilder('b')
      .where('b.orgId = :orgId AND b.id IN (:...ids)', { orgId: this.orgId, ids })
      .getMany();
    return inKeyOrder(ids, batches, (b) => String(b.id));
  }
}
