/**
 * The CPU side of an import, between reading and loading: read events are normalised (notes tallied) and cut into
 * chunks ready for the loader. It runs in a worker thread when the input is a file on disk (prepare-worker.ts), so
 * reading, parsing and normalising overlap the database work on the main thread; in the importing thread otherwise.
 * Either way the loader sees the same flat sequence of PrepareEvents.
 */
import { packTexts, type PackedTexts } from '../evidence/blocks';
import { dictionaryKeyHash, NormalizationError, normalizeDetail, normalizeRecordWithNotes, NoteTally, type BatchNote } from './normalize';
import type { AuditExportFile, TextIssues } from './read';
import { excerptOf } from './read/errors';
import { hasNul } from './load/nul-text';
import type { StagedRecord } from './load/chunk-plan';
import type { StagedDetail } from './load/detail-load';
import type { ImportFormat, Rejection } from './types';

/** source_line is an integer column: a file with more lines is refused with a message, not an overflow. */
export const MAX_SOURCE_LINE = 2 ** 31 - 1;
const TOO_MANY_LINES = `the file has more than ${MAX_SOURCE_LINE.toLocaleString('en')} lines, more than one batch can number; split it into smaller files`;

export type PrepareEvent =
  | { kind: 'file'; entryName: string | null; format: ImportFormat }
  /**
   * Audit records, or message-detail rows (message trace, eDiscovery), and the rows refused. `evidence`: the
   * records' texts already packed (precompute), used by the loader when every record of the chunk is new; the records
   * then come without their texts (`textsOnlyHere`).
   */
  | { kind: 'chunk'; records: StagedRecord[]; details: StagedDetail[]; rejections: Rejection[]; evidence?: PackedTexts }
  /** A file's records are all out: its notes (NoteTally.warnings, and counted by kind) and decoding issues. */
  | { kind: 'fileEnd'; notes: string[]; counted: BatchNote[]; text: TextIssues };

/**
 * The loader's CPU work that needs no database ids, done ahead where a thread has time for it (the worker): each
 * access's dictionary-key hash, and the chunk's evidence blocks as if every record is new. The records are then
 * posted without their texts, which the blocks hold: copying ~1.6 KB per record into the loading thread, and keeping
 * it there through the chunk's load, cost that thread ~5 % of a bulk import (docs/PERFORMANCE.md, tenth session). The
 * loader reads them back from the blocks where it needs them (chunk-writer.ts).
 */
function precomputed(records: StagedRecord[]): PackedTexts | undefined {
  if (records.length === 0) return undefined;
  const hashes = new Map<string, string>();
  for (const { record } of records) {
    for (const a of record.messageAccesses) {
      let hash = hashes.get(a.dictionaryKey);
      if (hash === undefined) hashes.set(a.dictionaryKey, (hash = dictionaryKeyHash(a.dictionaryKey)));
      a.dictionaryKeyHash = hash;
    }
  }
  const packed = packTexts(records.map((r) => r.rawJson));
  for (const r of records) {
    r.hasNul = hasNul(r.rawJson);
    r.rawJson = '';
  }
  packed.textsOnlyHere = true;
  return packed;
}

/**
 * A chunk's weight, at most: the characters of its records' and rows' texts plus ACCESS_WEIGHT for each item or
 * folder a record lists. A chunk's memory follows its text (evidence, parsed objects) and its accesses (an object and
 * keys each), so a record count alone is no bound: 12,000 records listing 250 items each (21 KB a record) ran the
 * worker out of its heap in chunks of 3,000 records. 4 MiB is ~2,100 typical records (1.65 KB, 3.2 items): 8 % less
 * import time than 2 MiB of text alone, at ~333 MB peak RSS on the 200,000-record file; records of 250 items weigh
 * 2.4× their text, so their chunks stay smaller than 2 MiB of text made them (PERFORMANCE.md, seventh session).
 */
export const DEFAULT_CHUNK_CHARS = 4 * 1024 * 1024;

/** What one listed item or synced folder weighs in a chunk, in characters of text (see DEFAULT_CHUNK_CHARS). */
export const ACCESS_WEIGHT = 100;

/**
 * Normalises every file's events and cuts them into chunks of at most `chunkRecords` records and rejections, and
 * at most `chunkChars` of weight: their text, plus ACCESS_WEIGHT per listed item or folder (one record over it makes
 * a chunk of its own).
 * `precompute`: also hash message keys and pack evidence (precomputed), for a thread with time to spare; the records
 * are then yielded without their texts.
 */
export async function* prepareFiles(
  files: AsyncIterable<AuditExportFile>,
  chunkRecords: number,
  precompute = false,
  chunkChars = DEFAULT_CHUNK_CHARS,
): AsyncGenerator<PrepareEvent> {
  const chunk = (records: StagedRecord[], details: StagedDetail[], rejections: Rejection[]): PrepareEvent =>
    precompute ? { kind: 'chunk', records, details, rejections, evidence: precomputed(records) } : { kind: 'chunk', records, details, rejections };
  for await (const file of files) {
    yield { kind: 'file', entryName: file.entryName, format: file.format };
    const notes = new NoteTally();
    let records: StagedRecord[] = [];
    let details: StagedDetail[] = [];
    let rejections: Rejection[] = [];
    let chars = 0;
    for await (const event of file.events) {
      if (event.kind === 'rejection') {
        rejections.push(event.rejection);
        chars += event.rejection.excerpt.length;
      } else if (event.kind === 'detail') {
        const source = event.detail;
        if (source.line > MAX_SOURCE_LINE) throw new Error(TOO_MANY_LINES);
        try {
          const normalized = normalizeDetail(source);
          notes.add(normalized.notes, source.line, null);
          details.push({ detail: normalized.detail, line: source.line, rawText: source.rawText });
          chars += source.rawText.length;
        } catch (error) {
          if (!(error instanceof NormalizationError)) throw error;
          rejections.push({ line: source.line, reason: error.reason, excerpt: excerptOf(source.rawText) });
        }
      } else {
        const source = event.record;
        if (source.line > MAX_SOURCE_LINE) throw new Error(TOO_MANY_LINES);
        try {
          const normalized = normalizeRecordWithNotes(source);
          notes.add(normalized.notes, source.line, normalized.record.recordKey);
          records.push({ record: normalized.record, rawJson: source.rawJson, rawExact: source.rawExact, line: source.line });
          chars += source.rawJson.length + ACCESS_WEIGHT * (normalized.record.messageAccesses.length + normalized.record.folderSyncs.length);
        } catch (error) {
          if (!(error instanceof NormalizationError)) throw error;
          rejections.push({ line: source.line, reason: error.reason, excerpt: excerptOf(source.rawJson) });
        }
      }
      if (records.length + details.length + rejections.length >= chunkRecords || chars >= chunkChars) {
        yield chunk(records, details, rejections);
        records = [];
        details = [];
        rejections = [];
        chars = 0;
      }
    }
    if (records.length + details.length + rejections.length > 0) yield chunk(records, details, rejections);
    yield { kind: 'fileEnd', notes: notes.warnings(), counted: notes.notes(), text: { ...file.text } };
  }
}
