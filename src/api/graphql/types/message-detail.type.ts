import { Field, Int, ObjectType } from 'type-graphql';
import { MessageDetailSourceEnum } from './enums';

@ObjectType('MessageDetail', {
  description: 'What one row of a message trace or eDiscovery export says about a message, with where it was read.',
})
export class MessageDetailType {
  id!: string;
  /** The import batch it came from (resolved by the loader: file, format, sha256). */
  batchId!: string;

  @Field(() => MessageDetailSourceEnum)
  source!: MessageDetailSourceEnum;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field(() => String, { nullable: true, description: 'As written: an address (message trace) or `Display Name <address>` (eDiscovery).' })
  sender!: string | null;

  @Field(() => [String], { description: 'As written; a message trace row names one recipient.' })
  recipients!: string[];

  @Field(() => Date, { nullable: true })
  receivedAt!: Date | null;

  @Field(() => Int, { nullable: true })
  sizeInBytes!: number | null;

  @Field(() => String, { nullable: true, description: 'eDiscovery: the folder the item was found in (`\\Inbox\\Finance`).' })
  folderPath!: string | null;

  @Field(() => Int, { description: 'Line of the row in its file (import batch).' })
  line!: number;
}
