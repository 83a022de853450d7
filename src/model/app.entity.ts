import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation, PrimaryColumn } from 'typeorm';
import { Organization } from './organization.entity';

/**
 * An application that acted on mail: keyed by ClientAppId (AppAccessContext or top level), else AppId, lower-cased.
 * Counters are maintained by the importer.
 */
@Entity({ name: 'app' })
@Unique('uq_app_org_app_id', ['orgId', 'appId'])
@Index('ix_app_org_first_seen', ['orgId', 'firstSeen', 'id'])
export class App {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_app' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_app' })
  orgId!: number;

  @ManyToOne(() => Organization, { nullable: false })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'fk_app_organization' })
  organization?: Relation<Organization>;

  @Column({ name: 'app_id', type: 'text' })
  appId!: string;

  @Column({ name: 'first_seen', type: 'timestamptz' })
  firstSeen!: Date;

  @Column({ name: 'last_seen', type: 'timestamptz' })
  lastSeen!: Date;

  @Column({ name: 'record_count', type: 'integer', default: 0 })
  recordCount!: number;

  /** Records in which it acted without a signed-in user (UserType Application / ServicePrincipal). */
  @Column({ name: 'app_only_record_count', type: 'integer', default: 0 })
  appOnlyRecordCount!: number;

  /**
   * Distinct messages bound through it, kept by the import (src/import/load/app-message-counts.ts); null while a
   * bulk load has not counted it yet (the API then counts).
   */
  @Column({ name: 'bound_message_count', type: 'bigint', nullable: true })
  boundMessageCount!: string | null;
}
