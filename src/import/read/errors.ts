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

/** Largest single record (a JSON value or a CSV row) any reader accepts, in UTF-16 code units. */
export const DEFAULT_MAX_RECORD_CHARS = 32 * 1024 * 1024;

/** First ~300 characters of a text, for Rejection.excerpt. */
export function excerptOf(text: string, max = 300): string {
  return text.length <= max ? text : text.slice(0, max);
}
