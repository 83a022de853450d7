import { Column, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { AuditRecord } from './audit-record.entity';

/**
 * What a MessageAccess or FolderSync adds to the record it came from: the record (org_id and the folder, a 4-byte
 * id, are declared in each). Mailbox, session, IP, app, access type and time are the record's (joined, not copied:
 * a Bind record lists many items).
 * No FOREIGN KEY constraints: the per-row checks cost ~40% of import time (bench:import), and the loader writes
 * these rows together with their record in one transaction.
 */
export abstract class RecordAttribution {
  @Column({ name: 'record_id', type: 'bigint' })
  recordId!: string;

  @ManyToOne(() => AuditRecord, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'record_id', referencedColumnName: 'id' })
  record?: Relation<AuditRecord>;
}
