import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation, PrimaryColumn } from 'typeorm';
import { Organization } from './organization.entity';

export type ApiKeyRole = 'reader' | 'importer' | 'admin';

/** A credential for the API. Only a SHA-256 of the key is stored; the key itself is shown once. */
@Entity({ name: 'api_key' })
@Unique('uq_api_key_hash', ['keyHash'])
export class ApiKey {
  @PrimaryGeneratedColumn('identity', { type: 'integer', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_api_key' })
  id!: number;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_api_key' })
  orgId!: number;

  @ManyToOne(() => Organization, { nullable: false })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'fk_api_key_organization' })
  organization?: Relation<Organization>;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: ApiKeyRole;

  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** After this the key is refused; null = it does not expire. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** When the key last authenticated, to the minute (written at most once a minute per key). */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
