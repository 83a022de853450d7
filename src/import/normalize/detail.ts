/**
 * A message-detail row (message trace, eDiscovery item report) -> what message_detail and folder_inventory store.
 * Pure. A row that names no usable message id, or a time that is not a time, is refused (NormalizationError);
 * what is merely missing is noted and counted per batch.
 */
import crypto from 'node:crypto';
import type { SourceDetail } from '../types';
import { NormalizationError } from './errors';
import { canonicalMessageId, messageKey, messageKeyHash } from './message-id';
import { NOTE_KINDS, NormalizationNote } from './notes';
import { parseWrapperDate } from './time';

export interface NormalizedDetail {
  source: SourceDetail['source'];
  /** Canonical, with angle brackets. */
  internetMessageId: string;
  /** messageKeyHash(internetMessageId): the message dictionary's key, computed once. */
  messageKeyHash: string;
  subject: string | null;
  sender: string | null;
  recipients: string[];
  receivedAt: Date | null;
  sizeInBytes: number | null;
  /** Lower-cased mailbox address and the folder path (`\Inbox\Sub`) when the row places the item in a mailbox. */
  mailboxUpn: string | null;
  folderPath: string | null;
  /** SHA-256 (hex) of the source and the normalised content: equal rows are one row, however often imported. */
  rowKey: string;
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

/** `a@x; b@y`, `Doe, John <j@x>; c@y`: split on `;` only, since display names may hold commas. */
function splitRecipients(cells: string[]): string[] {
  return cells.flatMap((c) => c.split(';')).map((r) => r.trim()).filter((r) => r !== '');
}

/** Historical search's `alice@x##Receive, Deliver;bob@y##Receive, Fail`. */
function recipientsOfStatus(status: string): string[] {
  return status.split(';').map((part) => part.split('##')[0]!.trim()).filter((r) => r !== '');
}

function dedupe(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = v.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const ITEM_FILE = /\.(msg|eml)$/i;

/**
 * Mailbox and folder of an eDiscovery item: Location_name is the mailbox's SMTP address; Compound_path is a
 * human-readable path such as `alice@contoso.com/Inbox/Projects/Subject.msg` (`\` or `/`). The folder is what
 * follows the mailbox segment; a last segment that is the item itself (`.msg`/`.eml`, or its subject) is dropped.
 */
export function mailboxFolder(location: string | undefined, compoundPath: string | undefined, subject: string | null): { mailbox: string | null; folder: string | null } {
  let mailbox = location && ADDRESS.test(location.trim()) ? location.trim().toLowerCase() : null;
  if (!compoundPath) return { mailbox, folder: null };
  let segments = compoundPath.split(/[\\/]+/).map((s) => s.trim()).filter((s) => s !== '');
  const at = segments.findIndex((s) => (mailbox ? s.toLowerCase() === mailbox : ADDRESS.test(s)));
  if (at >= 0) {
    mailbox ??= segments[at]!.toLowerCase();
    segments = segments.slice(at + 1);
  }
  const last = segments[segments.length - 1];
  if (last !== undefined && (ITEM_FILE.test(last) || (subject !== null && last === subject.trim()))) segments = segments.slice(0, -1);
  return { mailbox, folder: segments.length ? `\\${segments.join('\\')}` : null };
}

export function normalizeDetail(d: SourceDetail): { detail: NormalizedDetail; notes: NormalizationNote[] } {
  const notes: NormalizationNote[] = [];
  const rawId = d.messageId?.trim();
  if (!rawId) {
    const kind = d.itemClass ? ` (${d.itemClass})` : '';
    throw new NormalizationError(
      d.source === 'EDISCOVERY' ? `not an email message${kind}: no Email_message_ID` : 'no message id (MessageId / message_id is empty)',
    );
  }
  const id = canonicalMessageId(rawId);
  if (!id || /[\s<>]/.test(id.canonical.slice(1, -1))) throw new NormalizationError(`message id ${JSON.stringify(rawId.slice(0, 100))} is not an InternetMessageId`);

  let receivedAt: Date | null = null;
  if (d.receivedAt?.trim()) {
    const parsed = parseWrapperDate(d.receivedAt);
    if (!parsed) throw new NormalizationError(`received time ${JSON.stringify(d.receivedAt.slice(0, 60))} is not a date`);
    receivedAt = parsed.date;
    if (parsed.ambiguous) notes.push(new NormalizationNote(NOTE_KINDS.ambiguousDate, d.receivedAt));
  } else {
    notes.push(new NormalizationNote(NOTE_KINDS.detailWithoutTime, 'no received time'));
  }

  let sizeInBytes: number | null = null;
  if (d.size?.trim()) {
    // A message is at most a few hundred MB: anything beyond 32 bits is not a size (and would not fit the API's Int).
    const n = /^\d{1,10}$/.test(d.size.trim()) ? Number(d.size.trim()) : NaN;
    if (n <= 2 ** 31 - 1) sizeInBytes = n;
    else notes.push(new NormalizationNote(NOTE_KINDS.detailSizeNotNumber, d.size.slice(0, 60)));
  }

  const subject = d.subject ?? null;
  const sender = d.sender?.trim() || null;
  const recipients = dedupe([...splitRecipients(d.recipients), ...(d.recipientStatus ? recipientsOfStatus(d.recipientStatus) : [])]);
  let mailboxUpn: string | null = null;
  let folderPath: string | null = null;
  if (d.source === 'EDISCOVERY') {
    ({ mailbox: mailboxUpn, folder: folderPath } = mailboxFolder(d.mailbox, d.folderPath, subject));
    if (!mailboxUpn || !folderPath) notes.push(new NormalizationNote(NOTE_KINDS.inventoryWithoutFolder, d.folderPath ?? d.mailbox ?? 'no Compound_path'));
  }

  const content = [
    d.source, messageKey(id.canonical), receivedAt?.toISOString() ?? null, sender?.toLowerCase() ?? null,
    recipients.map((r) => r.toLowerCase()).sort(), subject, sizeInBytes, mailboxUpn, folderPath, d.distinct,
  ];
  const rowKey = crypto.createHash('sha256').update(JSON.stringify(content), 'utf8').digest('hex');
  return {
    detail: { source: d.source, internetMessageId: id.canonical, messageKeyHash: messageKeyHash(id.canonical), subject, sender, recipients, receivedAt, sizeInBytes, mailboxUpn, folderPath, rowKey },
    notes,
  };
}
