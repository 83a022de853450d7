import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** Where an inventory came from (an eDiscovery item report for now). */
export type FolderInventorySource = 'EDISCOVERY';

/**
 * An imported mailbox inventory: message M was in folder F of mailbox B (e.g. an eDiscovery item report's
 * Compound_path). The strongest evidence that a synced folder held a message. One row per (folder, message,
 * source): re-import and overlapping reports add nothing; the first batch and detail row that named it are kept.
 * No FOREIGN KEY constraints, like folder_sync: rows are written by COPY together with their folders and messages.
 */
@Entity({ name: 'folder_inventory' })
@Unique('uq_folder_inventory_org_folder_message', ['orgId', 'folderId', 'messageId', 'source'])
@Index('ix_folder_inventory_org_mailbox', ['orgId', 'mailboxId', 'folderId'])
@Index('ix_folder_inventory_org_message', ['orgId', 'messageId'])
export class FolderInventory {
  @Column({ name: 'org_id', type: 'integer', primary: true, primaryKeyConstraintName: 'pk_folder_inventory' })
  orgId!: number;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_folder_inventory' })
  id!: string;

  @Column({ name: 'mailbox_id', type: 'bigint' })
  mailboxId!: string;

  /** A `folder` row, keyed `path:<path>` as the audit importer keys folders without an Id. */
  @Column({ name: 'folder_id', type: 'bigint' })
  folderId!: string;

  @Column({ name: 'message_id', type: 'bigint' })
  messageId!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: FolderInventorySource;

  @Column({ name: 'batch_id', type: 'bigint' })
  batchId!: string;

  /** The message_detail row that named it (provenance: batch, line, original text). */
  @Column({ name: 'detail_id', type: 'bigint', nullable: true })
  detailId!: string | null;

  /** When the message is known to have been there: its received time when the export gives one. */
  @Column({ name: 'observed_at', type: 'timestamptz', nullable: true })
  observedAt!: Date | null;
}
