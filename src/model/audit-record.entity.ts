import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, PrimaryColumn } from 'typeorm';
import { ClientIp } from './client-ip.entity';
import { ImportBatch } from './import-batch.entity';
import { Mailbox } from './mailbox.entity';
import { Session } from './session.entity';

/**
 * One audit record, exactly once per organisation (its key: AuditData.Id or a content hash), with its
 * original AuditData byte-exact (in an evidence block) and where it came from (batch + line). The typed columns are the
 * normalised fields the investigation queries filter on.
 */
@Entity({ name: 'audit_record' })
@Check('ck_audit_record_operation', '(operation_code IS NULL) <> (operation_text IS NULL)')
// The key is unique per organisation across the two columns: each key has one of them (storedRecordKey).
@Index('uq_audit_record_org_uuid', ['orgId', 'recordUuid'], { unique: true, where: 'record_uuid IS NOT NULL' })
@Index('uq_audit_record_org_key_text', ['orgId', 'recordKeyText'], { unique: true, where: 'record_key_text IS NOT NULL' })
@Index('ix_audit_record_org_time', ['orgId', 'creationTime', 'id'])
@Index('ix_audit_record_session_time', ['sessionId', 'creationTime', 'id'])
@Index('ix_audit_record_client_ip_time', ['clientIpId', 'creationTime', 'id'])
@Index('ix_audit_record_mailbox_time', ['mailboxId', 'creationTime', 'id'])
// ~2 % of records carry a ClientAppId: indexing only those keeps the index a fiftieth of a full one.
@Index('ix_audit_record_org_client_app_time', ['orgId', 'clientAppId', 'creationTime', 'id'], { where: 'client_app_id IS NOT NULL' })
// Distinct messages by AppId (app.service.ts) need no order: the narrow key deduplicates (a few bytes per record).
// On (org_id, app_id(r)) as the function's expression (migration DenseRecordRows), which TypeORM cannot declare.
@Index('ix_audit_record_org_app', { synchronize: false })
@Index('ix_audit_record_batch', ['batchId'])
// Throttled records are rare: this keeps unaudited-window lookups from scanning a busy mailbox's records.
@Index('ix_audit_record_mailbox_throttled', ['mailboxId', 'creationTime'], { where: 'is_throttled' })
export class AuditRecord {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_audit_record' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_audit_record' })
  orgId!: number;

  /**
   * The key, stored as storedRecordKey says: a lower-case GUID as a uuid, any other key as text. SQL reads it as
   * `r.record_key`: the function `record_key(audit_record)` (migration PackedRecordKeys).
   */
  @Column({ name: 'record_uuid', type: 'uuid', nullable: true })
  recordUuid!: string | null;

  @Column({ name: 'record_key_text', type: 'text', nullable: true })
  recordKeyText!: string | null;

  @Column({ name: 'creation_time', type: 'timestamptz' })
  creationTime!: Date;

  /**
   * Operation, stored as storedOperation says: one of OPERATION_CODES as its code, any other text as written. SQL
   * reads it as `r.operation`: the function `operation(audit_record)` (migration DenseRecordRows).
   */
  @Column({ name: 'operation_code', type: 'smallint', nullable: true })
  operationCode!: number | null;

  @Column({ name: 'operation_text', type: 'text', nullable: true })
  operationText!: string | null;

  @Column({ name: 'record_type', type: 'integer', nullable: true })
  recordType!: number | null;

  /** NULL when it is the mailbox owner's UPN exactly as the mailbox row holds it (migration OwnerUserIdImplied). */
  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId!: string | null;

  /** AuditData.UserType (0 regular, 2 admin, 4 system, 5 application, 6 service principal...). */
  @Column({ name: 'user_type', type: 'smallint', nullable: true })
  userType!: number | null;

  @Column({ name: 'mailbox_id', type: 'bigint', nullable: true })
  mailboxId!: string | null;

  @ManyToOne(() => Mailbox, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'mailbox_id', referencedColumnName: 'id' })
  mailbox?: Relation<Mailbox>;

  @Column({ name: 'session_id', type: 'bigint', nullable: true })
  sessionId!: string | null;

  @ManyToOne(() => Session, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'session_id', referencedColumnName: 'id' })
  session?: Relation<Session>;

  @Column({ name: 'client_ip_id', type: 'bigint', nullable: true })
  clientIpId!: string | null;

  @ManyToOne(() => ClientIp, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'client_ip_id', referencedColumnName: 'id' })
  clientIp?: Relation<ClientIp>;

  /** The address exactly as the record wrote it (with port, brackets, or a host name we could not parse). */
  @Column({ name: 'client_ip_raw', type: 'text', nullable: true })
  clientIpRaw!: string | null;

  /**
   * ClientInfoString, as its id in the `client_info` dictionary. SQL reads the text as `r.client_info_string`: the
   * function `client_info_string(audit_record)` (migration DenseRecordRows).
   */
  @Column({ name: 'client_info_id', type: 'integer', nullable: true })
  clientInfoId!: number | null;

  /**
   * AppId, stored as storedGuid says: a lower-case GUID as a uuid, anything else as text. SQL reads it as
   * `r.app_id`: the function `app_id(audit_record)` (migration DenseRecordRows).
   */
  @Column({ name: 'app_uuid', type: 'uuid', nullable: true })
  appUuid!: string | null;

  @Column({ name: 'app_id_text', type: 'text', nullable: true })
  appIdText!: string | null;

  @Column({ name: 'client_app_id', type: 'text', nullable: true })
  clientAppId!: string | null;

  @Column({ name: 'aad_session_id', type: 'text', nullable: true })
  aadSessionId!: string | null;

  @Column({ name: 'unique_token_id', type: 'text', nullable: true })
  uniqueTokenId!: string | null;

  @Column({ name: 'logon_type', type: 'smallint', nullable: true })
  logonType!: number | null;

  /** BIND or SYNC for MailItemsAccessed, else null. */
  @Column({ name: 'mail_access_type', type: 'varchar', length: 4, nullable: true })
  mailAccessType!: string | null;

  @Column({ name: 'is_throttled', type: 'boolean', nullable: true })
  isThrottled!: boolean | null;

  @Column({ name: 'operation_count', type: 'integer', nullable: true })
  operationCount!: number | null;

  /**
   * The original text is in evidence_block (block, offset, length in bytes) with its SHA-256. Records moved from the
   * former jsonb column keep it here instead: raw_exact is false for them (jsonb reorders keys and drops duplicates)
   * and raw_sha256 hashes the jsonb text.
   */
  @Column({ type: 'jsonb', nullable: true })
  raw!: unknown;

  @Column({ name: 'raw_block_id', type: 'bigint', nullable: true })
  rawBlockId!: string | null;

  @Column({ name: 'raw_offset', type: 'integer', nullable: true })
  rawOffset!: number | null;

  @Column({ name: 'raw_length', type: 'integer', nullable: true })
  rawLength!: number | null;

  @Column({ name: 'raw_sha256', type: 'bytea' })
  rawSha256!: Buffer;

  @Column({ name: 'raw_exact', type: 'boolean', default: true })
  rawExact!: boolean;

  /**
   * Set when this record's Id (record_key) was already taken by a stored record with different content: both are
   * kept, this one under the key `<Id>#<content sha256>`, pointing at the record it conflicts with.
   */
  @Column({ name: 'conflicts_with_id', type: 'bigint', nullable: true })
  conflictsWithId!: string | null;

  @Column({ name: 'batch_id', type: 'bigint' })
  batchId!: string;

  @ManyToOne(() => ImportBatch, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'batch_id', referencedColumnName: 'id' })
  batch?: Relation<ImportBatch>;

  /** Line of the input file where the record starts. */
  @Column({ name: 'source_line', type: 'integer' })
  sourceLine!: number;
}
