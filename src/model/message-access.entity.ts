import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { AuditRecord } from './audit-record.entity';
import { Folder } from './folder.entity';

/**
 * One message listed in a Bind record (confirmed exposure). Mailbox, session, IP and app are copied from the
 * record so the questions "what did this session / mailbox / message ..." need no join through audit_record.
 * The fact tables (audit_record, message_access, folder_sync) have no FOREIGN KEY constraints: the per-row checks
 * cost ~40% of import time (bench:import), and the merge creates every row from joins in one transaction.
 */
@Entity({ name: 'message_access' })
@Index('ix_message_access_org_message_time', ['orgId', 'internetMessageId', 'accessedAt', 'id'])
@Index('ix_message_access_session_time', ['sessionId', 'accessedAt', 'id'])
@Index('ix_message_access_mailbox_time', ['mailboxId', 'accessedAt', 'id'])
@Index('ix_message_access_folder_time', ['folderId', 'accessedAt', 'id'])
@Index('ix_message_access_record', ['recordId'])
export class MessageAccess {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_message_access' })
  id!: string;

  @Column({ name: 'org_id', type: 'integer' })
  orgId!: number;

  @Column({ name: 'record_id', type: 'bigint' })
  recordId!: string;

  @ManyToOne(() => AuditRecord, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'record_id' })
  record?: Relation<AuditRecord>;

  @Column({ name: 'folder_id', type: 'bigint' })
  folderId!: string;

  @ManyToOne(() => Folder, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'folder_id' })
  folder?: Relation<Folder>;

  @Column({ name: 'mailbox_id', type: 'bigint' })
  mailboxId!: string;

  @Column({ name: 'session_id', type: 'bigint', nullable: true })
  sessionId!: string | null;

  @Column({ name: 'client_ip_id', type: 'bigint', nullable: true })
  clientIpId!: string | null;

  @Column({ name: 'client_app_id', type: 'text', nullable: true })
  clientAppId!: string | null;

  @Column({ name: 'access_type', type: 'varchar', length: 4 })
  accessType!: string;

  @Column({ name: 'accessed_at', type: 'timestamptz' })
  accessedAt!: Date;

  /** Canonical, with angle brackets. */
  @Column({ name: 'internet_message_id', type: 'text' })
  internetMessageId!: string;

  /** As written in the record, when it differed from the canonical form. */
  @Column({ name: 'internet_message_id_original', type: 'text', nullable: true })
  internetMessageIdOriginal!: string | null;

  @Column({ name: 'size_in_bytes', type: 'bigint', nullable: true })
  sizeInBytes!: string | null;
}
