/**
 * READ stage of an import: bytes in -> per file (zip entry) the detected format and a stream of ReadEvents.
 *
 *   for await (const file of readAuditExport(stream, { fileName, onBytes })) {
 *     for await (const ev of file.events) ...   // drain (or return()) before asking for the next file
 *   }
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { ImportFormat, ReadEvent } from '../types';
import { csvPreamble } from './csv-preamble';
import { readCsvRows } from './csv-records';
import { decodeText, type TextIssues } from './decode';
import { DETECT_HEAD_CHARS, sniffExport, type ExportShape } from './detect';

/** Input bytes format detection reads at most (64 KiB). */
export const DETECT_HEAD_BYTES = 64 * 1024;
import { DEFAULT_MAX_RECORD_CHARS, NotAnAuditExportError } from './errors';
import { formatById } from '../formats';
import { detailLayout, mapDetailRow, type DetailLayout } from './detail-rows';
import { csvLayout, mapCsvRow, mapJsonValue, type CsvLayout } from './formats';
import { splitJsonValues } from './json-values';
import { unpack, type ContainerKind, type UnpackedEntry } from './unpack';

export { NotAnAuditExportError, UnsafeArchiveError } from './errors';
export { detectFormat, sniffExport, type ExportShape } from './detect';
export { decodeText, detectEncoding, type TextIssues } from './decode';
export { splitJsonValues, type JsonSplitEvent } from './json-values';
export { readCsvRows, type CsvEvent } from './csv-records';
export { mapJsonValue, mapCsvRow, csvLayout } from './formats';
export { unpack, type UnpackedEntry } from './unpack';

export interface ReadAuditExportOptions {
  /** Display name for messages (defaults to the basename of filePath). */
  fileName?: string;
  /** Path of the input, when it is a file: lets a zip be read in place instead of spooled to a temp file. */
  filePath?: string;
  /** Skip detection and read as this format (content is still checked for an obvious mismatch). */
  format?: ImportFormat | 'AUTO';
  /** Raw input bytes consumed so far (increments), for progress. For zips read in place: compressed size per entry. */
  onBytes?: (n: number) => void;
  /** A zip entry that is not an audit export (README, logs) is skipped and reported here. */
  onSkippedEntry?: (entryName: string, reason: string) => void;
  /** Longest wait for a file's head before it is refused (default DETECT_TIMEOUT_MS). */
  detectTimeoutMs?: number;
  /** Largest single record (JSON value or CSV row), default DEFAULT_MAX_RECORD_CHARS. */
  maxRecordChars?: number;
  /** Archive caps (defaults 20 GiB decompressed, 10,000 entries). */
  maxTotalBytes?: number;
  maxEntries?: number;
  tmpDir?: string;
}

export interface AuditExportFile {
  /** Zip entry name; null for a plain or gzip input. */
  entryName: string | null;
  container: ContainerKind;
  format: ImportFormat;
  events: AsyncGenerator<ReadEvent>;
  /** Decoding issues, complete once `events` is drained. */
  text: TextIssues;
}

async function* chain(head: string[], rest: AsyncGenerator<string> | null): AsyncGenerator<string> {
  for (const h of head) yield h;
  if (rest) yield* rest;
}

/** Longest wait for the first bytes of a file (a stalled upload); the HTTP idle timeout is the outer bound. */
export const DETECT_TIMEOUT_MS = 60_000;

/**
 * The decoded head that detection looks at: at most DETECT_HEAD_BYTES of input, within `timeoutMs`. A file that is
 * not an export is refused from its head, never after reading the rest of it.
 */
async function readHead(
  texts: AsyncGenerator<string>,
  input: { bytes: number },
  timeoutMs: number,
  label: string,
): Promise<{ chunks: string[]; text: string; done: boolean }> {
  const chunks: string[] = [];
  let chars = 0;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new NotAnAuditExportError(`${label} sent fewer than ${DETECT_HEAD_BYTES} bytes in ${timeoutMs / 1000} s: no audit export could be recognised.`, 'it stalled before its first records')),
      timeoutMs,
    );
  });
  timedOut.catch(() => undefined);
  try {
    // Chars bound the detector's work; bytes bound how much of the input a refusal reads (UTF-16 is 2 bytes/char).
    while (chars < DETECT_HEAD_CHARS && input.bytes < DETECT_HEAD_BYTES) {
      const r = await Promise.race([texts.next(), timedOut]);
      if (r.done) return { chunks, text: chunks.join(''), done: true };
      chunks.push(r.value);
      chars += r.value.length;
    }
    return { chunks, text: chunks.join(''), done: false };
  } finally {
    clearTimeout(timer);
  }
}

async function* jsonEvents(text: AsyncIterable<string>, shape: ExportShape, max: number): AsyncGenerator<ReadEvent> {
  for await (const ev of splitJsonValues(text, { maxValueChars: max, odata: shape.odata })) {
    if (ev.kind === 'value') yield mapJsonValue(ev.text, ev.line);
    else yield { kind: 'rejection', rejection: { line: ev.line, reason: ev.reason, excerpt: ev.excerpt } };
  }
}

async function* csvEvents(text: AsyncIterable<string>, shape: ExportShape, max: number): AsyncGenerator<ReadEvent> {
  let layout: CsvLayout | DetailLayout | null = null;
  // Message-detail formats (message trace, eDiscovery) map rows to SourceDetails instead of audit records.
  const details = formatById(shape.format).detailColumns !== undefined;
  for await (const ev of readCsvRows(text, { delimiter: shape.delimiter, maxRecordChars: max })) {
    if (ev.kind === 'error') {
      yield { kind: 'rejection', rejection: { line: ev.line, reason: ev.reason, excerpt: ev.excerpt } };
      continue;
    }
    if (!layout) {
      if (csvPreamble(ev.text)) continue;
      layout = details ? detailLayout(shape.format, ev.cells) : csvLayout(shape.format, ev.cells);
      continue;
    }
    if (ev.cells.length !== layout.header.length) {
      yield {
        kind: 'rejection',
        rejection: {
          line: ev.line,
          reason: `expected ${layout.header.length} columns, found ${ev.cells.length}`,
          excerpt: ev.text.trimEnd().slice(0, 300),
        },
      };
      continue;
    }
    yield 'picks' in layout ? mapDetailRow(layout, ev.cells, ev.line, ev.text) : mapCsvRow(layout, ev.cells, ev.line, ev.text);
  }
}

async function* withDamageCheck(events: AsyncGenerator<ReadEvent>, entry: UnpackedEntry): AsyncGenerator<ReadEvent> {
  let lastLine = 1;
  for await (const ev of events) {
    lastLine = ev.kind === 'record' ? ev.record.line : ev.kind === 'detail' ? ev.detail.line : ev.rejection.line;
    yield ev;
  }
  if (entry.damage) yield { kind: 'rejection', rejection: { line: lastLine, reason: entry.damage, excerpt: '' } };
}

/**
 * Read an audit export (plain, gzip or zip; UTF-8/UTF-16) and yield, per contained file, its format and events.
 * @throws NotAnAuditExportError when the content (or every file of a zip) is not an audit export
 * @throws UnsafeArchiveError when an archive exceeds the caps or has hostile entry names
 */
export async function* readAuditExport(
  input: Readable,
  opts: ReadAuditExportOptions = {},
): AsyncGenerator<AuditExportFile> {
  const label = opts.fileName ?? (opts.filePath ? path.basename(opts.filePath) : 'the input');
  const expected = opts.format && opts.format !== 'AUTO' ? opts.format : undefined;
  const max = opts.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const skipped: string[] = [];
  let sawZip = false;
  let produced = 0;

  for await (const entry of unpack(input, {
    filePath: opts.filePath,
    maxTotalBytes: opts.maxTotalBytes,
    maxEntries: opts.maxEntries,
    onRawBytes: opts.onBytes,
    tmpDir: opts.tmpDir,
  })) {
    if (entry.container === 'zip') sawZip = true;
    const entryLabel = entry.name ? `${label} entry '${entry.name}'` : label;
    const counter = { bytes: 0 };
    const issues: TextIssues = { invalidSequences: 0, firstInvalidLine: null };
    const texts = decodeText(entry.stream, { onBytes: (n) => (counter.bytes += n), issues });
    const head = await readHead(texts, counter, opts.detectTimeoutMs ?? DETECT_TIMEOUT_MS, entryLabel);
    let shape: ExportShape;
    try {
      // Detection sees a bounded head whatever the chunk size, so a refusal costs the same for any file size.
      shape = sniffExport(head.text.slice(0, DETECT_HEAD_CHARS), { label: entryLabel, expected });
    } catch (e) {
      if (entry.container === 'zip' && e instanceof NotAnAuditExportError && entry.name) {
        skipped.push(entry.name);
        opts.onSkippedEntry?.(entry.name, e.message);
        await texts.return(undefined);
        entry.stream.destroy();
        continue;
      }
      await texts.return(undefined);
      entry.stream.destroy();
      throw e;
    }
    produced++;
    const text = chain(head.chunks, head.done ? null : texts);
    const events = shape.container === 'csv' ? csvEvents(text, shape, max) : jsonEvents(text, shape, max);
    yield { entryName: entry.name, container: entry.container, format: shape.format, events: withDamageCheck(events, entry), text: issues };
  }

  if (sawZip && produced === 0) {
    const names = skipped.slice(0, 10).join(', ') + (skipped.length > 10 ? ', ...' : '');
    const xlsx = skipped.includes('[Content_Types].xml') && skipped.some((n) => n.startsWith('xl/'));
    const found = xlsx
      ? 'it is an Excel workbook (.xlsx); save the sheet as CSV and import that'
      : skipped.length
        ? `it is a zip archive without an audit export inside (entries: ${names})`
        : 'it is an empty zip archive';
    throw new NotAnAuditExportError(`${label} does not look like an audit export: ${found}.`, found);
  }
}

/** Convenience: open a file by path (zips are read in place). */
export function readAuditFile(
  filePath: string,
  opts: Omit<ReadAuditExportOptions, 'filePath'> = {},
): AsyncGenerator<AuditExportFile> {
  return readAuditExport(createReadStream(filePath, { highWaterMark: 256 * 1024 }), { ...opts, filePath });
}
