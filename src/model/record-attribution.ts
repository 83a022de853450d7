import { Column, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { AuditRecord } from './audit-record.entity';
import { Folder } from './folder.entity';

/**
 * What a MessageAccess or FolderSync adds to the record it came from: the record and the folder. Mailbox, session,
 * IP, app, access type and time are the record's (joined, not copied: a Bind record lists many items).
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
}
