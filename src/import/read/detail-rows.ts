/**
 * Message-detail CSV rows (message trace, eDiscovery item reports) to SourceDetails: the columns a format maps,
 * found once per file from the header, and each row's cells picked out as text. No interpretation here.
 */
import { formatById, type DetailColumns, type ImportFormat } from '../formats';
import type { ReadEvent, SourceDetail } from '../types';

type Picks = { [K in Exclude<keyof DetailColumns, 'source' | 'recipientParts' | 'distinct'>]: number };

export interface DetailLayout {
  format: ImportFormat;
  source: DetailColumns['source'];
  header: string[];
  picks: Picks;
  /** Columns whose cells are all read: recipients (or To/Cc/Bcc when there is no recipients column). */
  recipientColumns: number[];
  distinctColumns: number[];
}

export function detailLayout(format: ImportFormat, header: string[]): DetailLayout {
  const names = header.map((h) => h.trim().toLowerCase());
  const columns = formatById(format).detailColumns;
  if (!columns) throw new Error(`${format} is not a message-detail format`);
  const first = (candidates: string[]) => {
    for (const c of candidates) {
      const i = names.indexOf(c);
      if (i >= 0) return i;
    }
    return -1;
  };
  const every = (candidates: string[]) => candidates.map((c) => names.indexOf(c)).filter((i) => i >= 0);
  const picks: Picks = {
    messageId: first(columns.messageId),
    subject: first(columns.subject),
    sender: first(columns.sender),
    recipients: first(columns.recipients),
    recipientStatus: first(columns.recipientStatus),
    receivedAt: first(columns.receivedAt),
    size: first(columns.size),
    mailbox: first(columns.mailbox),
    folderPath: first(columns.folderPath),
    itemClass: first(columns.itemClass),
  };
  return {
    format,
    source: columns.source,
    header: header.map((h) => h.trim()),
    picks,
    recipientColumns: picks.recipients >= 0 ? [picks.recipients] : every(columns.recipientParts),
    distinctColumns: every(columns.distinct),
  };
}

/** The row's own text without its line break: what is kept as evidence. */
export function rowTextOf(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** One data row (already checked for column count by the caller). */
export function mapDetailRow(layout: DetailLayout, cells: string[], line: number, rowText: string): ReadEvent {
  const cell = (i: number) => (i >= 0 && cells[i] !== '' ? cells[i] : undefined);
  const p = layout.picks;
  const detail: SourceDetail = {
    line,
    source: layout.source,
    messageId: cell(p.messageId),
    subject: cell(p.subject),
    sender: cell(p.sender),
    recipients: layout.recipientColumns.map((i) => cells[i] ?? '').filter((c) => c !== ''),
    recipientStatus: cell(p.recipientStatus),
    receivedAt: cell(p.receivedAt),
    size: cell(p.size),
    mailbox: cell(p.mailbox),
    folderPath: cell(p.folderPath),
    itemClass: cell(p.itemClass),
    distinct: layout.distinctColumns.map((i) => cells[i] ?? ''),
    rawText: rowTextOf(rowText),
  };
  return { kind: 'detail', detail };
}
