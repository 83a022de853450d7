import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Message } from './message.entity';
import { RecordAttribution } from './record-attribution';

/**
 * One message listed in a Bind record (Folders[].FolderItems[]): confirmed exposure. Narrow on purpose (ids only);
 * each index serves a parent the API pages by (docs/PERFORMANCE.md shows the plans): a record's items, a message's
 * binds across mailboxes, a folder's binds. Session and mailbox go through audit_record's indexes.
 *
 * No primary key in the database (migration AccessesWithoutPrimaryKey: 100 bytes per record that no query read); the
 * identity keeps ids unique. TypeORM cannot describe a table without one, so its drift check skips this entity
 * (`synchronize: false`) and migrations.test.ts compares the table with the entity instead.
 */
@Entity({ name: 'message_access', synchronize: false })
@Index('ix_message_access_record', ['recordId'])
@Index('ix_message_access_message', ['messageId'])
@Index('ix_message_access_folder', ['folderId'])
export class MessageAccess extends RecordAttribution {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_message_access' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_message_access' })
  orgId!: number;

  /**
   * 4 bytes, beside org_id (migration NarrowAccessRows; the folder identity stops at 2^31 - 1). No relation declared:
   * TypeORM would type the column as the folder's bigint id.
   */
  @Column({ name: 'folder_id', type: 'integer' })
  folderId!: number;

  @Column({ name: 'message_id', type: 'bigint' })
  messageId!: string;

  @ManyToOne(() => Message, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'message_id', referencedColumnName: 'id' })
  message?: Relation<Message>;

  /** As written in the record, when it differed from the canonical form. */
  @Column({ name: 'internet_message_id_original', type: 'text', nullable: true })
  internetMessageIdOriginal!: string | null;

  @Column({ name: 'size_in_bytes', type: 'bigint', nullable: true })
  sizeInBytes!: string | null;

  // Per-item details of newer Bind records (FolderItems[].CreationTime, ImmutableId/Id, Subject, Sensitivity); null
  // when the record does not give them, which costs nothing in a row (the null bitmap).

  /** When the item was accessed; the API's accessedAt is this, else the record's CreationTime. */
  @Column({ name: 'item_time', type: 'timestamptz', nullable: true })
  itemTime!: Date | null;

  /**
   * The item's store id (ImmutableId when usable, else Id); how an item without an InternetMessageId is known. Base64
   * text is stored as the bytes it spells (`item_id_b64`, storedItemId), anything else as text; SQL reads it as
   * `a.item_id`, the function `item_id(message_access)` (migration NarrowAccessRows).
   */
  @Column({ name: 'item_id_text', type: 'text', nullable: true })
  itemIdText!: string | null;

  @Column({ name: 'item_id_b64', type: 'bytea', nullable: true })
  itemIdB64!: Buffer | null;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ name: 'sensitivity_labels', type: 'text', array: true, nullable: true })
  sensitivityLabels!: string[] | null;
}
