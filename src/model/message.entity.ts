import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * The message-id dictionary: one row per message of an organisation, so each access stores an 8-byte id instead of
 * the InternetMessageId text (and its index). `key` compares the domain case-insensitively (messageKey);
 * `internet_message_id` is the first spelling seen, canonical brackets, as shown to users.
 */
@Entity({ name: 'message' })
@Unique('uq_message_org_key', ['orgId', 'key'])
export class Message {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_message' })
  id!: string;

  @Column({ name: 'org_id', type: 'integer' })
  orgId!: number;

  @Column({ type: 'text' })
  key!: string;

  @Column({ name: 'internet_message_id', type: 'text' })
  internetMessageId!: string;
}
