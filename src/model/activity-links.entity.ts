import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { App } from './app.entity';
import { ClientIp } from './client-ip.entity';
import { Mailbox } from './mailbox.entity';
import { Session } from './session.entity';

/**
 * Who-used-what rollups, maintained by the importer from the records it inserts. They keep "sessions of this IP",
 * "IPs of this session" and the pivot bounded by the number of links, not by the number of records (an office NAT
 * IP has millions of records but only thousands of sessions). Derived data, rebuilt from audit_record if ever
 * needed, so no FOREIGN KEY constraints: their per-row triggers were most of the cost of these upserts.
 *
 * What every link carries besides its key (the pair and org_id, declared in each entity so the primary key has its
 * table's constraint name): when the pair was first and last seen together, and in how many records. */
abstract class LinkActivity {
  @Column({ name: 'first_seen', type: 'timestamptz' })
  firstSeen!: Date;

  @Column({ name: 'last_seen', type: 'timestamptz' })
  lastSeen!: Date;

  @Column({ name: 'record_count', type: 'integer' })
  recordCount!: number;
}

@Entity({ name: 'session_client_ip' })
@Index('ix_session_client_ip_ip', ['clientIpId', 'sessionId'])
export class SessionClientIp extends LinkActivity {
  @PrimaryColumn({ name: 'session_id', type: 'bigint', primaryKeyConstraintName: 'pk_session_client_ip' })
  sessionId!: string;

  @PrimaryColumn({ name: 'client_ip_id', type: 'bigint', primaryKeyConstraintName: 'pk_session_client_ip' })
  clientIpId!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_session_client_ip' })
  orgId!: number;

  @ManyToOne(() => Session, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'session_id', referencedColumnName: 'id' })
  session?: Relation<Session>;

  @ManyToOne(() => ClientIp, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'client_ip_id', referencedColumnName: 'id' })
  clientIp?: Relation<ClientIp>;
}

@Entity({ name: 'session_mailbox' })
@Index('ix_session_mailbox_mailbox', ['mailboxId', 'sessionId'])
export class SessionMailbox extends LinkActivity {
  @PrimaryColumn({ name: 'session_id', type: 'bigint', primaryKeyConstraintName: 'pk_session_mailbox' })
  sessionId!: string;

  @PrimaryColumn({ name: 'mailbox_id', type: 'bigint', primaryKeyConstraintName: 'pk_session_mailbox' })
  mailboxId!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_session_mailbox' })
  orgId!: number;

  @ManyToOne(() => Session, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'session_id', referencedColumnName: 'id' })
  session?: Relation<Session>;

  @ManyToOne(() => Mailbox, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'mailbox_id', referencedColumnName: 'id' })
  mailbox?: Relation<Mailbox>;
}

@Entity({ name: 'client_ip_mailbox' })
@Index('ix_client_ip_mailbox_mailbox', ['mailboxId', 'clientIpId'])
export class ClientIpMailbox extends LinkActivity {
  @PrimaryColumn({ name: 'client_ip_id', type: 'bigint', primaryKeyConstraintName: 'pk_client_ip_mailbox' })
  clientIpId!: string;

  @PrimaryColumn({ name: 'mailbox_id', type: 'bigint', primaryKeyConstraintName: 'pk_client_ip_mailbox' })
  mailboxId!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_client_ip_mailbox' })
  orgId!: number;

  @ManyToOne(() => ClientIp, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'client_ip_id', referencedColumnName: 'id' })
  clientIp?: Relation<ClientIp>;

  @ManyToOne(() => Mailbox, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'mailbox_id', referencedColumnName: 'id' })
  mailbox?: Relation<Mailbox>;
}

@Entity({ name: 'app_mailbox' })
@Index('ix_app_mailbox_mailbox', ['mailboxId', 'appId'])
export class AppMailbox extends LinkActivity {
  @PrimaryColumn({ name: 'app_id', type: 'bigint', primaryKeyConstraintName: 'pk_app_mailbox' })
  appId!: string;

  @PrimaryColumn({ name: 'mailbox_id', type: 'bigint', primaryKeyConstraintName: 'pk_app_mailbox' })
  mailboxId!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_app_mailbox' })
  orgId!: number;

  @ManyToOne(() => App, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'app_id', referencedColumnName: 'id' })
  app?: Relation<App>;

  @ManyToOne(() => Mailbox, { nullable: false, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'mailbox_id', referencedColumnName: 'id' })
  mailbox?: Relation<Mailbox>;
}
