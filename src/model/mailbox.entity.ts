import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation, PrimaryColumn } from 'typeorm';
import { Organization } from './organization.entity';

/** An Exchange Online mailbox, keyed by its lower-cased owner UPN. Counters are maintained by the importer. */
@Entity({ name: 'mailbox' })
@Unique('uq_mailbox_org_upn', ['orgId', 'userPrincipalName'])
@Index('ix_mailbox_org_throttled', ['orgId', 'throttledRecordCount'])
export class Mailbox {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_mailbox' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_mailbox' })
  orgId!: number;

  @ManyToOne(() => Organization, { nullable: false })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'fk_mailbox_organization' })
  organization?: Relation<Organization>;

  /**
   * Never changes (trigger mailbox_upn_fixed, migration ImpliedRecordValues): the owner's own records leave their
   * UserId NULL, implied by it. A rename or merge would first write those UserIds into the records.
   */
  @Column({ name: 'user_principal_name', type: 'text' })
  userPrincipalName!: string;

  @Column({ name: 'mailbox_guid', type: 'text', nullable: true })
  mailboxGuid!: string | null;

  /** The Microsoft 365 tenant (AuditData.OrganizationId). */
  @Column({ name: 'tenant_id', type: 'text', nullable: true })
  tenantId!: string | null;

  @Column({ name: 'first_seen', type: 'timestamptz', nullable: true })
  firstSeen!: Date | null;

  @Column({ name: 'last_seen', type: 'timestamptz', nullable: true })
  lastSeen!: Date | null;

  @Column({ name: 'record_count', type: 'integer', default: 0 })
  recordCount!: number;

  /** Records with IsThrottled=True: > 0 means Bind auditing stopped at least once. */
  @Column({ name: 'throttled_record_count', type: 'integer', default: 0 })
  throttledRecordCount!: number;
}
