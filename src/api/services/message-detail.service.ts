/**
 * Message details imported from message trace and eDiscovery exports (message_detail), and the best subject,
 * sender and recipients they give for a message.
 */
import type { DataSource } from 'typeorm';
import { run, sql } from '../../db/sql';
import { MessageDetailSourceEnum } from '../graphql/types/enums';
import type { MessageDetailType } from '../graphql/types/message-detail.type';
import { groupedInKeyOrder } from './rows';

/**
 * Strongest source first: an eDiscovery item is the mailbox's own copy (header From, all of To/Cc/Bcc); a message
 * trace row is the message in transport (envelope sender, one recipient per row).
 */
export const DETAIL_SOURCE_ORDER: readonly MessageDetailSourceEnum[] = [MessageDetailSourceEnum.EDISCOVERY, MessageDetailSourceEnum.MESSAGE_TRACE];

export interface MessageSummary {
  subject: string | null;
  sender: string | null;
  recipients: string[];
}

/**
 * Subject and sender: the first non-empty value in source order (within a source, the earliest row). Recipients:
 * every recipient of the strongest source that names any (a message trace lists them one row each), deduplicated
 * case-insensitively, in order of appearance.
 */
export function summarizeDetails(details: readonly MessageDetailType[]): MessageSummary {
  const ordered = DETAIL_SOURCE_ORDER.map((source) => details.filter((d) => d.source === source));
  const first = (pick: (d: MessageDetailType) => string | null) => {
    for (const rows of ordered) for (const d of rows) if (pick(d)?.trim()) return pick(d);
    return null;
  };
  const recipients: string[] = [];
  const seen = new Set<string>();
  for (const rows of ordered) {
    for (const r of rows.flatMap((d) => d.recipients)) {
      if (seen.has(r.toLowerCase())) continue;
      seen.add(r.toLowerCase());
      recipients.push(r);
    }
    if (recipients.length) break;
  }
  return { subject: first((d) => d.subject), sender: first((d) => d.sender), recipients };
}

export class MessageDetailService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /** Detail rows of each message (dictionary ids), strongest source first, then by received time. One statement. */
  async byMessageIds(messageIds: readonly string[]): Promise<MessageDetailType[][]> {
    const rows = await run<Record<string, unknown>>(
      this.db,
      sql`SELECT d.id::text, d.message_id::text, d.batch_id::text, d.source, d.subject, d.sender, d.recipients, d.received_at,
         d.size_in_bytes, d.folder_path, d.source_line
       FROM message_detail d WHERE d.org_id = ${this.orgId} AND d.message_id = ANY(${messageIds}::bigint[])
       ORDER BY d.message_id, array_position(${DETAIL_SOURCE_ORDER as string[]}::text[], d.source::text), d.received_at NULLS LAST, d.id`,
    );
    return groupedInKeyOrder(
      messageIds,
      rows.map((r) => ({
        key: String(r.message_id),
        value: {
          id: String(r.id),
          batchId: String(r.batch_id),
          source: r.source as MessageDetailSourceEnum,
          subject: r.subject as string | null,
          sender: r.sender as string | null,
          recipients: (r.recipients as string[] | null) ?? [],
          receivedAt: r.received_at as Date | null,
          sizeInBytes: r.size_in_bytes === null ? null : Number(r.size_in_bytes),
          folderPath: r.folder_path as string | null,
          line: Number(r.source_line),
        },
      })),
    );
  }
}
