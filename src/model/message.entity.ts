import { Column, Entity, PrimaryGeneratedColumn, Unique, PrimaryColumn } from 'typeorm';

/**
 * The message-id dictionary: one row per message of an organisation, so each access stores an 8-byte id instead of
 * the InternetMessageId text (and its index). A message is identified by the first 16 bytes of the SHA-256 of its
 * messageKey (the domain compared case-insensitively), in the row and in the unique index.
 * A message keeps the first spelling seen (canonical brackets), as shown to users: as text in `spelling`, or, for an
 * id Exchange Online made, as its parts `exo_server`, `exo_hex`, `exo_hex_odd`, `exo_region` (~40 bytes less per
 * message; see exchangeOnlineParts). SQL reads it as `m.internet_message_id`: the function
 * `internet_message_id(message)` (migration PackedMessageIds) puts the parts back, so a query can never read a packed
 * message as one without an id. An item a Bind record listed without an InternetMessageId is a message of its own,
 * keyed by its store id within its mailbox (itemKey), with all of them null.
 */
@Entity({ name: 'message' })
@Unique('uq_message_org_key', ['orgId', 'keyHash'])
export class Message {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_message' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_message' })
  orgId!: number;

  /** First 16 bytes of sha256(messageKey(spelling)) or of sha256(itemKey(mailbox, item id)), UTF-8. */
  @Column({ name: 'key_hash', type: 'bytea' })
  keyHash!: Buffer;

  @Column({ name: 'spelling', type: 'text', nullable: true })
  spelling!: string | null;

  @Column({ name: 'exo_server', type: 'text', nullable: true })
  exoServer!: string | null;

  /** The hex digits after the server as bytes, a 0 appended when there is an odd number of them. */
  @Column({ name: 'exo_hex', type: 'bytea', nullable: true })
  exoHex!: Buffer | null;

  @Column({ name: 'exo_hex_odd', type: 'boolean', nullable: true })
  exoHexOdd!: boolean | null;

  @Column({ name: 'exo_region', type: 'text', nullable: true })
  exoRegion!: string | null;
}
