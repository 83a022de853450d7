import { Column, Entity, PrimaryGeneratedColumn, Unique, PrimaryColumn } from 'typeorm';

/**
 * The message-id dictionary: one row per message of an organisation, so each access stores an 8-byte id instead of
 * the InternetMessageId text (and its index). A message is identified by the SHA-256 of its messageKey (the domain
 * compared case-insensitively): 32 bytes instead of the ~80-character key, in the row and in the unique index.
 * `internet_message_id` is the first spelling seen (canonical brackets), as shown to users. An item a Bind record
 * listed without an InternetMessageId is a message of its own, keyed by its store id within its mailbox (itemKey),
 * with `internet_message_id` null.
 */
@Entity({ name: 'message' })
@Unique('uq_message_org_key', ['orgId', 'keyHash'])
export class Message {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_message' })
  id!: string;

  @PrimaryColumn({ name: 'org_id', type: 'integer', primaryKeyConstraintName: 'pk_message' })
  orgId!: number;

  /** sha256(messageKey(internet_message_id)) or sha256(itemKey(mailbox, item id)), UTF-8. */
  @Column({ name: 'key_hash', type: 'bytea' })
  keyHash!: Buffer;

  @Column({ name: 'internet_message_id', type: 'text', nullable: true })
  internetMessageId!: string | null;
}
