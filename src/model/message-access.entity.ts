import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { RecordAttribution } from './record-attribution';

/** One message listed in a Bind record (Folders[].FolderItems[]): confirmed exposure. */
@Entity({ name: 'message_access' })
@Index('ix_message_access_org_message_time', ['orgId', 'internetMessageId', 'accessedAt', 'id'])
@Index('ix_message_access_session_time', ['sessionId', 'accessedAt', 'id'])
@Index('ix_message_access_mailbox_time', ['mailboxId', 'accessedAt', 'id'])
@Index('ix_message_access_folder_time', ['folderId', 'accessedAt', 'id'])
@Index('ix_message_access_record', ['recordId'])
export class MessageAccess extends RecordAttribution {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_message_access' })
  id!: string;

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
