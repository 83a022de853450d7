/**
 * What normalisation decided about a record that the investigator should know (a fallback date, a guessed access
 * type, an item kept without its InternetMessageId...). Each note has a kind; an import counts them per kind, keeps
 * the first few records as examples (line and record id), and stores both in the batch (ImportBatch.notes) and its
 * warnings: nothing is changed or set aside in silence.
 */
/** Longest non-IP client address kept as a ClientIp of its own (a unique index key holds ~2.7 kB). */
export const MAX_VERBATIM_ADDRESS = 500;

export const NOTE_KINDS = {
  timeFallback: 'no usable AuditData CreationTime; time taken from a fallback date',
  ambiguousDate: 'date could be day/month or month/day; read as US month/day',
  clientIpNotIp: 'client address is not an IP address; kept as written (a ClientIp of kind NOT_AN_IP)',
  clientIpNotIpTooLong: `client address is not an IP address and longer than ${MAX_VERBATIM_ADDRESS} characters; kept as text on the record only`,
  placeholderSessionId: 'session id is a placeholder (anonymised or zero); the record joins no session',
  accessTypeGuessed: 'MailAccessType missing; treated as Bind because the record lists messages',
  accessTypeMissing: 'MailItemsAccessed without MailAccessType and without messages; stored as a record only (neither Bind nor Sync)',
  itemWithoutMessageId: 'Bind item without an InternetMessageId; stored as a message access known by its item id (internetMessageIdMissing)',
  itemUnreadable: 'Bind FolderItems entry that is no item (null, a number, text that is no message id); not stored as an access',
  itemRepeated: 'Bind item listed more than once in the same folder of one record (message ids compared with the domain case-insensitive); stored once',
  itemTimeUnreadable: "Bind item CreationTime is not a date; the record's CreationTime is its access time",
  bindFoldersWithoutItems: 'Bind record names folders but no items; no message access stored',
  syncWithoutFolder: 'Sync record names no folder; stored as a sync of an unknown folder (the whole mailbox may have been synced)',
  recordIdMismatch: "wrapper RecordId differs from AuditData Id; the AuditData Id is the record's key",
  operationCountMissing: 'Bind record without OperationCount; the items it lists were counted instead',
  detailWithoutTime: 'message detail without a received time; stored without one',
  detailSizeNotNumber: 'message size is not a whole number of bytes; stored without a size',
  inventoryWithoutFolder: 'item names no mailbox and folder (Location_name / Compound_path); stored as a message detail, not as mailbox inventory',
} as const;

export type NoteKind = (typeof NOTE_KINDS)[keyof typeof NOTE_KINDS];

/** The stable name of a kind, as ImportBatch.notes shows it: `itemWithoutMessageId` -> `ITEM_WITHOUT_MESSAGE_ID`. */
export type NoteCode = string;
const CODES = new Map<NoteKind, NoteCode>(
  Object.entries(NOTE_KINDS).map(([name, kind]) => [kind, name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()]),
);
export const NOTE_CODES: readonly NoteCode[] = [...CODES.values()];

export function noteCode(kind: NoteKind): NoteCode {
  return CODES.get(kind)!;
}

export class NormalizationNote {
  constructor(
    readonly kind: NoteKind,
    /** About this record, e.g. the value that was read. */
    readonly text: string,
    /** How many items of the record the note is about (e.g. items without an InternetMessageId); 0 when not per item. */
    readonly items = 0,
  ) {}

  toString(): string {
    return this.text;
  }
}

/** A record a note was taken on: where it is in the file and its id (AuditRecord.id). */
export interface NoteExample {
  line: number;
  /** null for a message-detail row, which is not an audit record. */
  recordId: string | null;
  text: string;
}

/** One kind of note in a batch: how many records (and items) had it, and the first few of them. */
export interface BatchNote {
  code: NoteCode;
  description: string;
  records: number;
  items: number;
  examples: NoteExample[];
}

/** Examples kept per kind: enough to find the records (AuditRecord by id), small enough for the batch row. */
export const NOTE_EXAMPLES = 5;

/** Notes of one batch counted by kind (records and items), with the first records of each as examples. */
export class NoteTally {
  private readonly byKind = new Map<NoteKind, BatchNote>();

  add(notes: readonly NormalizationNote[], line: number, recordId: string | null): void {
    const counted = new Set<NoteKind>();
    for (const note of notes) {
      let seen = this.byKind.get(note.kind);
      if (!seen) {
        seen = { code: noteCode(note.kind), description: note.kind, records: 0, items: 0, examples: [] };
        this.byKind.set(note.kind, seen);
      }
      seen.items += note.items;
      // A record counts once per kind, however many of its items the kind is about.
      if (counted.has(note.kind)) continue;
      counted.add(note.kind);
      seen.records++;
      if (seen.examples.length < NOTE_EXAMPLES) seen.examples.push({ line, recordId, text: note.text });
    }
  }

  /** Each kind with its counts and examples, in the order first seen. */
  notes(): BatchNote[] {
    return [...this.byKind.values()].map((n) => ({ ...n, examples: [...n.examples] }));
  }

  /** "N records (M items): <kind> (e.g. line L, record R: <note>)", one per kind. */
  warnings(): string[] {
    return this.notes().map(noteWarning);
  }
}

export function noteWarning(n: BatchNote): string {
  const [first] = n.examples;
  const items = n.items > 0 ? ` (${n.items} item${n.items === 1 ? '' : 's'})` : '';
  return `${n.records} record${n.records === 1 ? '' : 's'}${items}: ${n.description} (e.g. line ${first!.line}${first!.recordId === null ? '' : `, record ${first!.recordId}`}: ${first!.text})`;
}
