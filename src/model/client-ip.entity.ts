import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation, PrimaryColumn } from 'typeorm';
import { Organization } from './organization.entity';

/** A client address in canonical form (no port, compressed lower-case IPv6, IPv4-mapped as IPv4). */
@Entity({ name: 'client_ip' })
@Unique('uq_client_ip_org_address', ['orgId', 'address'])
@Index('ix_client_ip_org_first_seen', ['orgId', 'firstSeen', 'id'])
export class ClientIp {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_client_ip' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_client_ip' })
  orgId!: number;

  @ManyToOne(() => Organization, { nullable: false })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'fk_client_ip_organization' })
  organization?: Relation<Organization>;

  @Column({ type: 'inet' })
  address!: string;

  @Column({ type: 'smallint' })
  version!: number;

  @Column({ name: 'first_seen', type: 'timestamptz' })
  firstSeen!: Date;

  @Column({ name: 'last_seen', type: 'timestamptz' })
  lastSeen!: Date;

  @Column({ name: 'record_count', type: 'integer', default: 0 })
  recordCount!: number;
}
