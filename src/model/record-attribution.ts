import { Column, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { AuditRecord } from './audit-record.entity';
import { Folder } from './folder.entity';

/**
 * What a MessageAccess or FolderSync knows of the record it came from: the record and folder, and the mailbox,
 * session, IP and app copied from the record so "what did this session / mailbox read" needs no join.
 * No FOREIGN KEY constraints: the per-row checks cost ~40% of import time (bench:import), and the loader writes
 * these rows together with their record in one transaction.
 */
export abstract class RecordAttribution {
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
}
