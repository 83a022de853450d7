import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { Organization } from './organization.entity';

/**
 * An analyst's verdict on an IP, session, app or mailbox (malicious, office-nat, a free label...). Keyed by the
 * target's natural key (canonical IP text, SessionId, app key, UPN) rather than a row id, so a tag can be set before
 * the data that names the target is imported and survives re-imports.
 */
@Entity({ name: 'analyst_tag' })
@Unique('uq_analyst_tag_target_label', ['orgId', 'targetKind', 'targetKey', 'label'])
export class AnalystTag {
  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_analyst_tag' })
  orgId!: number;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_analyst_tag' })
  id!: string;

  @ManyToOne(() => Organization, { nullable: false })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'fk_analyst_tag_organization' })
  organization?: Relation<Organization>;

  /** IP | SESSION | APP | MAILBOX */
  @Column({ name: 'target_kind', type: 'text' })
  targetKind!: string;

  @Column({ name: 'target_key', type: 'text' })
  targetKey!: string;

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  /** The API key's name, or `cli`. */
  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
