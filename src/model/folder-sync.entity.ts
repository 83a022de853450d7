import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Folder } from './folder.entity';
import { RecordAttribution } from './record-attribution';

/** A Sync record: the whole folder was downloaded, so every item in it is presumed exposed. */
@Entity({ name: 'folder_sync' })
@Index('ix_folder_sync_record', ['recordId'])
@Index('ix_folder_sync_folder', ['folderId'])
export class FolderSync extends RecordAttribution {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_folder_sync' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_folder_sync' })
  orgId!: number;

  @Column({ name: 'folder_id', type: 'bigint' })
  folderId!: string;

  @ManyToOne(() => Folder, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'folder_id', referencedColumnName: 'id' })
  folder?: Relation<Folder>;
}
