import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * The message-id dictionary: one row per message of an organisation, so each access stores an 8-byte id instead of
 * the InternetMessageId text (and its index). `key` compares the domain case-insensitively (messageKey); the id
 * shown to users is the first spelling seen (canonical brackets): `internet_message_id`, stored only when it
 * differs from the key (rarely: the text would otherwise be stored twice).
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

  @Column({ name: 'internet_message_id', type: 'text', nullable: true })
  internetMessageId!: string | null;
}
