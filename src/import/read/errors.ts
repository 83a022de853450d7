/** Errors the read stage throws. Everything else that is wrong with a file becomes a Rejection event. */

/** The content is not any audit export shape we know. The message says what was found and what is expected. */
export class NotAnAuditExportError extends Error {
  constructor(
    message: string,
    /** Short description of what was found (e.g. "its header is 'Name,Age'"). */
    readonly found?: string,
  ) {
    super(message);
    this.name = 'NotAnAuditExportError';
  }
}

/** An archive exceeded a safety limit (size, entry count) or contains hostile entry names. */
export class UnsafeArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeArchiveError';
  }
}

/**
 * Largest single record (a JSON value or a CSV row) any reader accepts, in UTF-16 code units; a larger one is
 * rejected with its line and the rest of the file imported. Preparing and loading a record takes ~40x its size
 * in memory (its items become accesses, dictionary keys and COPY rows): records of 4 MB (50,000 items) import in
 * 317–347 MB of RSS, 8 MB in ~470 MB, while three of 29.5 MB took 1.4 GB and ran the import worker out of its heap,
 * failing the rest of the file (PERFORMANCE.md, "Importer memory"). A real Bind record lists far fewer items
 * (it covers ~2 minutes of one client). IMPORT_MAX_RECORD_MB raises it.
 */
export const DEFAULT_MAX_RECORD_CHARS = 4 * 1024 * 1024;

/** What a rejection for an oversized record adds: how to import it anyway. */
export const RAISE_RECORD_LIMIT = 'IMPORT_MAX_RECORD_MB raises the limit';

/** First ~300 characters of a text, for Rejection.excerpt. */
export function excerptOf(text: string, max = 300): string {
  return text.length <= max ? text : text.slice(0, max);
}
