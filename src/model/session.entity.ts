import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation, PrimaryColumn } from 'typeorm';
import { Organization } from './organization.entity';

/**
 * A client session: ties one actor's records together across IPs and mailboxes. Keyed by AuditData.SessionId
 * (kind EXCHANGE) or, for records without one, by AADSessionId (kind ENTRA).
 */
@Entity({ name: 'session' })
@Unique('uq_session_org_session_id', ['orgId', 'sessionId'])
@Index('ix_session_org_first_seen', ['orgId', 'firstSeen', 'id'])
@Index('ix_session_org_entra', ['orgId', 'entraSessionId'])
export class Session {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_session' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_session' })
  orgId!: number;

  @ManyToOne(() => Organization, { nullable: false })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'fk_session_organization' })
  organization?: Relation<Organization>;

  @Column({ name: 'session_id', type: 'text' })
  sessionId!: string;

  /** EXCHANGE (SessionId) or ENTRA (AADSessionId). */
  @Column({ type: 'varchar', length: 8, default: 'EXCHANGE' })
  kind!: 'EXCHANGE' | 'ENTRA';

  /** The AADSessionId carried by this Exchange session's records: the Entra sign-in it belongs to. */
  @Column({ name: 'entra_session_id', type: 'text', nullable: true })
  entraSessionId!: string | null;

  @Column({ name: 'first_seen', type: 'timestamptz' })
  firstSeen!: Date;

  @Column({ name: 'last_seen', type: 'timestamptz' })
  lastSeen!: Date;

  @Column({ name: 'record_count', type: 'integer', default: 0 })
  recordCount!: number;

  /**
   * Its message accesses and the distinct messages they bound, kept by the import (src/import/load/session-counts.ts);
   * null while an import that touched it has not counted it yet (the API then counts).
   */
  @Column({ name: 'message_access_count', type: 'bigint', nullable: true })
  messageAccessCount!: string | null;

  @Column({ name: 'bound_message_count', type: 'bigint', nullable: true })
  boundMessageCount!: string | null;
}
