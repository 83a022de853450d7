import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation, PrimaryColumn } from 'typeorm';
import { Organization } from './organization.entity';

/**
 * A client address in canonical form (no port, compressed lower-case IPv6, IPv4-mapped as IPv4), or, for text that
 * is not an IP (`localhost`, `fe80::1%eth0`), that text verbatim (address NULL, version 0): findable, never guessed.
 */
@Entity({ name: 'client_ip' })
@Unique('uq_client_ip_org_address', ['orgId', 'address'])
@Unique('uq_client_ip_org_verbatim', ['orgId', 'verbatim'])
@Index('ix_client_ip_org_first_seen', ['orgId', 'firstSeen', 'id'])
export class ClientIp {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_client_ip' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_client_ip' })
  orgId!: number;

  @ManyToOne(() => Organization, { nullable: false })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'fk_client_ip_organization' })
  organization?: Relation<Organization>;

  @Column({ type: 'inet', nullable: true })
  address!: string | null;

  /** The address as written when it is not an IP (then address is NULL). */
  @Column({ type: 'text', nullable: true })
  verbatim!: string | null;

  @Column({ type: 'smallint' })
  version!: number;

  @Column({ name: 'first_seen', type: 'timestamptz' })
  firstSeen!: Date;

  @Column({ name: 'last_seen', type: 'timestamptz' })
  lastSeen!: Date;

  @Column({ name: 'record_count', type: 'integer', default: 0 })
  recordCount!: number;
}
