import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation, PrimaryColumn } from 'typeorm';
import { Mailbox } from './mailbox.entity';

/** A mailbox folder, keyed by its store Id (or `path:<Path>` when a record gives none). */
@Entity({ name: 'folder' })
@Unique('uq_folder_mailbox_key', ['orgId', 'mailboxId', 'folderKey'])
export class Folder {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_folder' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_folder' })
  orgId!: number;

  @Column({ name: 'mailbox_id', type: 'bigint' })
  mailboxId!: string;

  @ManyToOne(() => Mailbox, { nullable: false })
  // Composite, so a row can only point at its own organisation's parent (and Citus can co-locate the two).
  @JoinColumn([
    { name: 'mailbox_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_folder_mailbox' },
    { name: 'org_id', referencedColumnName: 'orgId', foreignKeyConstraintName: 'fk_folder_mailbox' },
  ])
  mailbox?: Relation<Mailbox>;

  @Column({ name: 'folder_key', type: 'text' })
  folderKey!: string;

  /** The path as first seen (localised, not always rooted: `\Boîte de réception`). */
  @Column({ type: 'text' })
  path!: string;
}
