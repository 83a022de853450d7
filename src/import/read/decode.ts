/**
 * Bytes -> text. UTF-8 (BOM optional, stripped), UTF-16 LE/BE with BOM (Windows PowerShell `Out-File`/`>`),
 * and BOM-less UTF-16 recognised from the NUL-byte pattern of ASCII text. Multi-byte sequences split across
 * chunks are carried over by the stateful decoders. Invalid bytes become U+FFFD (never throws), and are counted.
 */
import { StringDecoder } from 'node:string_decoder';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface DetectedEncoding {
  encoding: TextEncodingName;
  /** Bytes of BOM to drop. */
  bomLength: number;
}

/** Decide the encoding from the first bytes (pass at least 4 when the input has them). */
export function detectEncoding(head: Uint8Array): DetectedEncoding {
  const b = head;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  if (b.length >= 4) {
    // ASCII text in UTF-16 without BOM: every other byte is NUL.
    if (b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return { encoding: 'utf-16le', bomLength: 0 };
    if (b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0) return { encoding: 'utf-16be', bomLength: 0 };
  }
  return { encoding: 'utf-8', bomLength: 0 };
}

interface ChunkDecoder {
  write(b: Buffer): string;
  end(): string;
}

function makeDecoder(encoding: TextEncodingName): ChunkDecoder {
  if (encoding === 'utf-16be') {
    // StringDecoder has no UTF-16BE; TextDecoder keeps partial code units between calls with {stream: true}.
    const td = new TextDecoder('utf-16be', { fatal: false, ignoreBOM: true });
    return { write: (b) => td.decode(b, { stream: true }), end: () => td.decode() };
  }
  // StringDecoder (buffer.toString under the hood) is the fastest path for UTF-8 and UTF-16LE.
  const sd = new StringDecoder(encoding === 'utf-8' ? 'utf8' : 'utf16le');
  return { write: (b) => sd.write(b), end: () => sd.end() };
}

export interface DecodeOptions {
  /** Called once the encoding is known. */
  onEncoding?: (e: DetectedEncoding) => void;
  /** Input bytes taken in (increments). */
  onBytes?: (n: number) => void;
  /** Filled while decoding: invalid UTF-8 sequences replaced by U+FFFD, and the line of the first. */
  issues?: TextIssues;
}

export interface TextIssues {
  invalidSequences: number;
  firstInvalidLine: number | null;
}

const REPLACEMENT_BYTES = Buffer.from([0xef, 0xbf, 0xbd]); // U+FFFD in UTF-8

function countOf(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) n++;
  return n;
}

function countBytes(bytes: Buffer, sequence: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(sequence); i >= 0; i = bytes.indexOf(sequence, i + 1)) n++;
  return n;
}

/**
 * Counts the U+FFFD the decoder made up: those in the text minus those spelled out in the input (EF BF BD, which
 * may straddle chunks). Lines are counted only until the first one is found.
 */
function utf8IssueCounter(issues: TextIssues) {
  let line = 1;
  let tail = Buffer.alloc(0);
  return (bytes: Buffer, text: string) => {
    const joined = tail.length ? Buffer.concat([tail, bytes]) : bytes;
    const genuine = countBytes(joined, REPLACEMENT_BYTES) - countBytes(tail, REPLACEMENT_BYTES);
    tail = Buffer.from(joined.subarray(Math.max(0, joined.length - 2)));
    const made = countOf(text, '\uFFFD') - genuine;
    if (made > 0) {
      if (issues.firstInvalidLine === null) issues.firstInvalidLine = line + countOf(text.slice(0, text.indexOf('\uFFFD')), '\n');
      issues.invalidSequences += made;
    }
    if (issues.firstInvalidLine === null) line += countOf(text, '\n');
  };
}

/** Decode a byte stream into string chunks. */
export async function* decodeText(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  opts: DecodeOptions = {},
): AsyncGenerator<string> {
  let pending: Buffer | null = null;
  let dec: ChunkDecoder | null = null;
  let track: ((bytes: Buffer, text: string) => void) | undefined;
  for await (const raw of source) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    opts.onBytes?.(chunk.length);
    if (!dec) {
      // Wait for 4 bytes so BOM-less UTF-16 can be recognised.
      pending = pending ? Buffer.concat([pending, chunk]) : chunk;
      if (pending.length < 4) continue;
      const det = detectEncoding(pending);
      opts.onEncoding?.(det);
      dec = makeDecoder(det.encoding);
      if (opts.issues && det.encoding === 'utf-8') track = utf8IssueCounter(opts.issues);
      chunk = pending.subarray(det.bomLength);
      pending = null;
    }
    const s = dec.write(chunk);
    track?.(chunk, s);
    if (s.length) yield s;
  }
  if (!dec) {
    const rest = pending ?? Buffer.alloc(0);
    const det = detectEncoding(rest);
    opts.onEncoding?.(det);
    dec = makeDecoder(det.encoding);
    if (opts.issues && det.encoding === 'utf-8') track = utf8IssueCounter(opts.issues);
    const s = dec.write(rest.subarray(det.bomLength));
    track?.(rest.subarray(det.bomLength), s);
    if (s.length) yield s;
  }
  const tail = dec.end();
  track?.(Buffer.alloc(0), tail);
  if (tail.length) yield tail;
}
