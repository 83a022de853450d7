import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { RecordAttribution } from './record-attribution';

/** A Sync record: the whole folder was downloaded, so every item in it is presumed exposed. */
@Entity({ name: 'folder_sync' })
@Index('ix_folder_sync_mailbox_time', ['mailboxId', 'syncedAt', 'id'])
@Index('ix_folder_sync_session_time', ['sessionId', 'syncedAt', 'id'])
@Index('ix_folder_sync_folder_time', ['folderId', 'syncedAt', 'id'])
@Index('ix_folder_sync_record', ['recordId'])
export class FolderSync extends RecordAttribution {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_folder_sync' })
  id!: string;

  @Column({ name: 'synced_at', type: 'timestamptz' })
  syncedAt!: Date;
}
