/**
 * What normalisation decided about a record that the investigator should know (a fallback date, a guessed access
 * type...). Each note has a kind; an import counts them per kind and shows the counts in the batch warnings.
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
  itemWithoutMessageId: 'Bind item without an InternetMessageId; not stored as a message access',
  bindFoldersWithoutItems: 'Bind record names folders but no items; no message access stored',
  syncWithoutFolder: 'Sync record names no folder; no folder sync stored',
  recordIdMismatch: "wrapper RecordId differs from AuditData Id; the AuditData Id is the record's key",
  operationCountMissing: 'Bind record without OperationCount; the items it lists were counted instead',
} as const;

export type NoteKind = (typeof NOTE_KINDS)[keyof typeof NOTE_KINDS];

export class NormalizationNote {
  constructor(
    readonly kind: NoteKind,
    /** About this record, e.g. the value that was read. */
    readonly text: string,
  ) {}

  toString(): string {
    return this.text;
  }
}

/** Notes of one batch counted by kind, with the first example of each. */
export class NoteTally {
  private readonly byKind = new Map<NoteKind, { count: number; line: number; text: string }>();

  add(notes: readonly NormalizationNote[], line: number): void {
    for (const note of notes) {
      const seen = this.byKind.get(note.kind);
      if (seen) seen.count++;
      else this.byKind.set(note.kind, { count: 1, line, text: note.text });
    }
  }

  /** "N records: <kind> (e.g. line L: <note>)", one per kind. */
  warnings(): string[] {
    return [...this.byKind].map(
      ([kind, { count, line, text }]) => `${count} record${count === 1 ? '' : 's'}: ${kind} (e.g. line ${line}: ${text})`,
    );
  }
}
