import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, PrimaryColumn } from 'typeorm';
import { ImportBatch } from './import-batch.entity';

/** A row or record of an input file that could not be used, kept with where it was and why. */
@Entity({ name: 'import_rejection' })
@Index('ix_import_rejection_batch', ['batchId', 'id'])
export class ImportRejection {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_import_rejection' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_import_rejection' })
  orgId!: number;

  @Column({ name: 'batch_id', type: 'bigint' })
  batchId!: string;

  @ManyToOne(() => ImportBatch, { nullable: false })
  // Composite, so a row can only point at its own organisation's parent (and Citus can co-locate the two).
  @JoinColumn([
    { name: 'batch_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_import_rejection_batch' },
    { name: 'org_id', referencedColumnName: 'orgId', foreignKeyConstraintName: 'fk_import_rejection_batch' },
  ])
  batch?: Relation<ImportBatch>;

  @Column({ type: 'integer' })
  line!: number;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text' })
  excerpt!: string;
}
