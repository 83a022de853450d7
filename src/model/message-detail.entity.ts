import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** Where a MessageDetail came from; the GraphQL MessageDetailSource enum carries these names. */
export type MessageDetailSource = 'MESSAGE_TRACE' | 'EDISCOVERY';

/**
 * What an export other than the audit log says about a message (message trace, eDiscovery item report): subject,
 * sender, recipients, received time. One row per input row, never merged: `Message.subject` and friends pick the
 * best source on read. `row_key` (SHA-256 of the source and the row's normalised content) makes re-import add
 * nothing, also when two overlapping exports carry the same row. The row's original text is kept byte-exact in an
 * evidence block, like an audit record's.
 * No FOREIGN KEY constraints, like message_access: rows are written by COPY with their message in one transaction.
 */
@Entity({ name: 'message_detail' })
@Unique('uq_message_detail_org_row_key', ['orgId', 'rowKey'])
@Index('ix_message_detail_org_message', ['orgId', 'messageId'])
@Index('ix_message_detail_org_batch', ['orgId', 'batchId'])
export class MessageDetail {
  @Column({ name: 'org_id', type: 'integer', primary: true, primaryKeyConstraintName: 'pk_message_detail' })
  orgId!: number;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_message_detail' })
  id!: string;

  /** The `message` dictionary row (same key as the audit importer: messageKeyHash). */
  @Column({ name: 'message_id', type: 'bigint' })
  messageId!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: MessageDetailSource;

  /** The import batch that first added the row (file name, format, sha256). */
  @Column({ name: 'batch_id', type: 'bigint' })
  batchId!: string;

  /** 1-based line (CSV: the row's first line) in the batch's file. */
  @Column({ name: 'source_line', type: 'integer' })
  sourceLine!: number;

  @Column({ name: 'row_key', type: 'bytea' })
  rowKey!: Buffer;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ type: 'text', nullable: true })
  sender!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  recipients!: string[];

  @Column({ name: 'received_at', type: 'timestamptz', nullable: true })
  receivedAt!: Date | null;

  @Column({ name: 'size_in_bytes', type: 'bigint', nullable: true })
  sizeInBytes!: string | null;

  /** The mailbox folder path the export gives (eDiscovery), as written. */
  @Column({ name: 'folder_path', type: 'text', nullable: true })
  folderPath!: string | null;

  /** The row's original text: evidence block, offset and length of its bytes, and their SHA-256 (verify). */
  @Column({ name: 'raw_block_id', type: 'bigint' })
  rawBlockId!: string;

  @Column({ name: 'raw_offset', type: 'integer' })
  rawOffset!: number;

  @Column({ name: 'raw_length', type: 'integer' })
  rawLength!: number;

  @Column({ name: 'raw_sha256', type: 'bytea' })
  rawSha256!: Buffer;
}
