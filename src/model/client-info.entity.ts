import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * The ClientInfoStrings of an organisation's records, once each ("Client=OWA;Action=ViaProxy", Outlook's and
 * browsers' user agents): a record keeps a 4-byte id (audit_record.client_info_id). Unique by the text's SHA-256,
 * because a hostile string can be longer than a B-tree entry may be.
 */
@Entity({ name: 'client_info' })
@Unique('uq_client_info_org_text', ['orgId', 'textSha256'])
export class ClientInfo {
  @PrimaryGeneratedColumn('identity', { type: 'integer', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_client_info' })
  id!: number;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_client_info' })
  orgId!: number;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'text_sha256', type: 'bytea' })
  textSha256!: Buffer;
}
