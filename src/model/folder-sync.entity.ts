import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { AuditRecord } from './audit-record.entity';
import { Folder } from './folder.entity';

/** A Sync record: the whole folder was downloaded, so every item in it is presumed exposed. */
@Entity({ name: 'folder_sync' })
@Index('ix_folder_sync_mailbox_time', ['mailboxId', 'syncedAt', 'id'])
@Index('ix_folder_sync_session_time', ['sessionId', 'syncedAt', 'id'])
@Index('ix_folder_sync_folder_time', ['folderId', 'syncedAt', 'id'])
@Index('ix_folder_sync_record', ['recordId'])
export class FolderSync {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_folder_sync' })
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

  @Column({ name: 'synced_at', type: 'timestamptz' })
  syncedAt!: Date;
}
