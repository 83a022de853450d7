import { Column, Entity, Index, PrimaryGeneratedColumn, PrimaryColumn } from 'typeorm';

/**
 * Who looked at the evidence: one row per API request, append-only (a trigger refuses UPDATE, DELETE and
 * TRUNCATE). Variables are stored as hashes of their values unless ACCESS_LOG_VARIABLES=plain.
 */
@Entity({ name: 'access_log' })
@Index('ix_access_log_org_at', ['orgId', 'at', 'id'])
export class AccessLog {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_access_log' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_access_log' })
  orgId!: number;

  /** The key's id and its name at the time (a key renamed or revoked later keeps its past rows readable). */
  @Column({ name: 'key_id', type: 'integer', nullable: true })
  keyId!: number | null;

  @Column({ name: 'key_name', type: 'text', nullable: true })
  keyName!: string | null;

  /** `POST /graphql`, `POST /imports`... */
  @Column({ type: 'text' })
  route!: string;

  /** The GraphQL operation name (or its root fields when unnamed); null for other routes. */
  @Column({ type: 'text', nullable: true })
  operation!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  variables!: Record<string, unknown> | null;

  @Column({ name: 'rows_returned', type: 'integer', nullable: true })
  rowsReturned!: number | null;

  @Column({ type: 'smallint' })
  status!: number;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;
}
