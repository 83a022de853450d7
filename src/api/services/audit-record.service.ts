/** Audit records: the evidence, each with its original text byte-exact and the import batch it came from. */
import type { DataSource } from 'typeorm';
import { run, sql, type Sql } from '../../db/sql';
import type { AuditRecordType, MailAccessTypeEnum } from '../graphql/types/entities.type';
import { LOGON_TYPE_NUMBERS, LogonTypeEnum } from '../graphql/types/enums';
import type { ChildPageQuery, ConnectionResult } from '../../db/pages';
import { recordBytes, unpackBlock } from '../../evidence/blocks';
import { keysetPage, timeKey } from './keyset';
import { addressIsSql, auditRecordFromRow, inKeyOrder, noteRelated, RECORD_COLUMNS, RECORD_WITH_CLIENT_IP, type RelatedRows } from './rows';
import { withinSql, type TimeRange } from './time-range';
import { storedRecordKeys } from '../../import/normalize';

/** A record's original text; exact is false for records moved from the former jsonb column. */
export interface RecordOriginal {
  text: string;
  exact: boolean;
}

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
  /** The acting account (UserId), matched without case. */
  userId: string | null;
  logonTypes: LogonTypeEnum[] | null;
}

/** The stored LogonType number is one of the named types (OTHER: a number none of them names). */
function logonTypeSql(column: Sql, types: LogonTypeEnum[]): Sql {
  const named = Object.values(LOGON_TYPE_NUMBERS).flat();
  const numbers = types.flatMap((t) => (t === LogonTypeEnum.OTHER ? [] : LOGON_TYPE_NUMBERS[t]));
  const other = types.includes(LogonTypeEnum.OTHER) ? sql` OR NOT ${column} = ANY(${named}::int[])` : sql.empty;
  return sql`(${column} = ANY(${numbers}::int[])${other})`;
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
    const keys = storedRecordKeys(new Set([k, k.toLowerCase()]));
    const rows = await run(
      this.db,
      sql`SELECT ${RECORD_COLUMNS('r')} FROM audit_record r
       WHERE r.org_id = ${this.orgId} AND (r.record_uuid = ANY(${keys.uuids}::uuid[]) OR r.record_key_text = ANY(${keys.texts}::text[])) LIMIT 1`,
    );
    return rows.length ? auditRecordFromRow(rows[0]) : null;
  }

  /** Oldest first. Every filter given must match (AND); time bounds are inclusive. */
  page(filter: AuditRecordFilter, limit: number, after: string | null | undefined): Promise<ConnectionResult<AuditRecordType>> {
    const org = this.orgId;
    const where: Sql[] = [sql`r.org_id = ${org}`, withinSql(sql`r.creation_time`, filter)];
    if (filter.mailbox) where.push(sql`r.mailbox_id = (SELECT id FROM mailbox WHERE org_id = ${org} AND user_principal_name = ${filter.mailbox})`);
    if (filter.sessionId) where.push(sql`r.session_id = (SELECT id FROM session WHERE org_id = ${org} AND session_id = ${filter.sessionId})`);
    if (filter.clientIp) where.push(sql`r.client_ip_id = (SELECT c.id FROM client_ip c WHERE c.org_id = ${org} AND ${addressIsSql('c', filter.clientIp)})`);
    if (filter.operation) where.push(sql`lower(r.operation) = lower(${filter.operation})`);
    if (filter.mailAccessType) where.push(sql`r.mail_access_type = ${filter.mailAccessType}`);
    if (filter.clientAppId) where.push(anyCase(sql`r.client_app_id`, filter.clientAppId.trim()));
    if (filter.aadSessionId) where.push(anyCase(sql`r.aad_session_id`, filter.aadSessionId));
    // user_id is NULL where it is the mailbox's UPN (storedUserId).
    if (filter.userId) {
      where.push(sql`(lower(r.user_id) = lower(${filter.userId})
        OR (r.user_id IS NULL AND r.mailbox_id IN (SELECT id FROM mailbox WHERE org_id = ${org} AND lower(user_principal_name) = lower(${filter.userId}))))`);
    }
    if (filter.logonTypes) where.push(logonTypeSql(sql`r.logon_type`, filter.logonTypes));
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

  /**
   * The original text of records, for AuditRecord.raw / rawText: out of their evidence blocks (each block fetched
   * and decompressed once), or the jsonb text of records moved from the former jsonb column (exact = false).
   */
  async originalsByIds(ids: readonly string[]): Promise<(RecordOriginal | null)[]> {
    const rows: { id: string | null; block: string; start: number | null; size: number | null; jsonb: string | null; data: Buffer | null }[] = await run(
      this.db,
      sql`WITH r AS (SELECT id, raw_block_id, raw_offset, raw_length, raw FROM audit_record WHERE org_id = ${this.orgId} AND id = ANY(${ids}::bigint[]))
       SELECT r.id::text, r.raw_block_id::text AS block, r.raw_offset AS start, r.raw_length AS size,
         CASE WHEN r.raw_block_id IS NULL THEN r.raw::text END AS jsonb, NULL::bytea AS data FROM r
       UNION ALL
       SELECT NULL, b.id::text, NULL, NULL, NULL, b.data FROM evidence_block b WHERE b.id IN (SELECT raw_block_id FROM r)`,
    );
    const blocks = new Map(rows.filter((r) => r.data).map((r) => [r.block, unpackBlock(r.data!)]));
    const byId = new Map<string, RecordOriginal>();
    for (const r of rows) {
      if (r.id === null) continue;
      byId.set(
        r.id,
        r.jsonb !== null
          ? { text: r.jsonb, exact: false }
          : { text: recordBytes(blocks.get(r.block)!, r.start!, r.size!).toString('utf8'), exact: true },
      );
    }
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
      plan: 'generic',
      toNode: (row) => {
        noteRelated(row, related);
        return auditRecordFromRow(row);
      },
      keyOf: (r) => [timeKey(r.creationTime), r.id],
    };
  }
}
