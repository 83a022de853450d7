import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, PrimaryColumn } from 'typeorm';
import { Organization } from './organization.entity';

export type ImportStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export type ImportSource = 'cli' | 'graphql' | 'http';

/** One input file (or one entry of a zip) loaded into the model: the provenance of every record it added. */
@Entity({ name: 'import_batch' })
@Index('ix_import_batch_org_started', ['orgId', 'id'])
@Index('ix_import_batch_org_sha256', ['orgId', 'sha256'])
export class ImportBatch {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_import_batch' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_import_batch' })
  orgId!: number;

  @ManyToOne(() => Organization, { nullable: false })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'fk_import_batch_organization' })
  organization?: Relation<Organization>;

  /** As given by the user; for a zip entry `archive.zip:inner.csv`. */
  @Column({ name: 'file_name', type: 'text', nullable: true })
  fileName!: string | null;

  /** SHA-256 of the file's bytes as given (compressed bytes for .gz/.zip); null until the file is read. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ name: 'byte_size', type: 'bigint', default: 0 })
  byteSize!: string;

  /** Detected or requested ImportFormat; null until detection. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  format!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: ImportStatus;

  @Column({ type: 'varchar', length: 16 })
  source!: ImportSource;

  /** Name of the API key that sent the file (GraphQL or POST /imports); null for the CLI, which needs no key. */
  @Column({ name: 'imported_by', type: 'text', nullable: true })
  importedBy!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** Touched while the import runs; a RUNNING batch whose heartbeat stopped was interrupted. */
  @Column({ name: 'heartbeat_at', type: 'timestamptz', default: () => 'now()' })
  heartbeatAt!: Date;

  @Column({ name: 'records_read', type: 'integer', default: 0 })
  recordsRead!: number;

  @Column({ name: 'records_inserted', type: 'integer', default: 0 })
  recordsInserted!: number;

  @Column({ type: 'integer', default: 0 })
  duplicates!: number;

  @Column({ type: 'integer', default: 0 })
  rejected!: number;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  warnings!: string[];

  /**
   * What normalisation noted, per kind: records (and items) counted, the first records as examples (line and record
   * id). The same facts as the note lines of `warnings`, kept structured so they can be queried (ImportBatch.notes).
   */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  notes!: { code: string; description: string; records: number; items: number; examples: { line: number; recordId: string; text: string }[] }[];

  /** Why a FAILED batch failed, in words for the user. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;
}
