import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { ImportBatch } from './import-batch.entity';

/** A row or record of an input file that could not be used, kept with where it was and why. */
@Entity({ name: 'import_rejection' })
@Index('ix_import_rejection_batch', ['batchId', 'id'])
export class ImportRejection {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_import_rejection' })
  id!: string;

  @Column({ name: 'org_id', type: 'integer' })
  orgId!: number;

  @Column({ name: 'batch_id', type: 'bigint' })
  batchId!: string;

  @ManyToOne(() => ImportBatch, { nullable: false })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'fk_import_rejection_batch' })
  batch?: Relation<ImportBatch>;

  @Column({ type: 'integer' })
  line!: number;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text' })
  excerpt!: string;
}
