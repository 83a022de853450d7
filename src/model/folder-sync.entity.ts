import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { RecordAttribution } from './record-attribution';

/**
 * A Sync record: the whole folder was downloaded, so every item in it is presumed exposed.
 *
 * No primary key in the database (migration NarrowAccessRows: nothing reads a sync by its id, which is only a
 * cursor's tie-break read from the row); the identity keeps ids unique. As for MessageAccess, TypeORM's drift check
 * skips this entity (`synchronize: false`) and migrations.test.ts compares the table with it instead.
 */
@Entity({ name: 'folder_sync', synchronize: false })
@Index('ix_folder_sync_record', ['recordId'])
@Index('ix_folder_sync_folder', ['folderId'])
export class FolderSync extends RecordAttribution {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_folder_sync' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_folder_sync' })
  orgId!: number;

  /** 4 bytes, beside org_id (migration NarrowAccessRows); no relation declared, as in MessageAccess. */
  @Column({ name: 'folder_id', type: 'integer' })
  folderId!: number;
}
