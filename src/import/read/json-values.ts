/**
 * Streaming splitter: string chunks in, one event per record-level JSON value out (its exact source text and
 * 1-based start line), without building the whole document. Framing it understands:
 *   - a top-level array `[ {...}, {...} ]` (records = elements), also concatenated `[...][...]` / `[...]\n[...]`
 *   - NDJSON / JSONL and pretty-printed objects one after another (records = top-level values)
 *   - a single top-level object (PowerShell ConvertTo-Json of one record)
 *   - with `odata: true`, OData pages `{ "@odata.context": ..., "value": [ ... ] }` (records = elements of value)
 * It never throws on bad input: damaged regions become `error` events and scanning resynchronises at the next
 * line that starts a record. It does not validate JSON (the caller JSON.parses each value).
 */
import { BOM, BSLASH, COLON, COMMA, CR, LBRACE, LBRACK, NL, QUOTE, RBRACE, RBRACK, refill, SP, TAB } from './chunk-buffer';
import { DEFAULT_MAX_RECORD_CHARS, excerptOf, RAISE_RECORD_LIMIT } from './errors';

export type JsonSplitEvent =
  | { kind: 'value'; text: string; line: number }
  | { kind: 'error'; line: number; reason: string; excerpt: string };

export interface SplitJsonOptions {
  /** Largest accepted value, in UTF-16 code units (≈ bytes for ASCII JSON). Default DEFAULT_MAX_RECORD_CHARS. */
  maxValueChars?: number;
  /** Treat top-level objects as OData pages and yield the elements of their `value` array. */
  odata?: boolean;
}


/** Scan results (values >= 0 are the exclusive end index). */
const NEED = -1;
/** Broken at newline position n is encoded as -(n + 2). */
const broken = (nl: number) => -(nl + 2);
const brokenAt = (r: number) => -r - 2;

/** Index just after the closing quote of the string opening at i, or -1 when it does not close in buf. */
export function stringEnd(buf: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = buf.indexOf('"', j);
    if (q < 0) return -1;
    let k = q - 1;
    while (buf.charCodeAt(k) === BSLASH) k--;
    // An odd number of backslashes escapes the quote.
    if ((q - 1 - k) & 1) {
      j = q + 1;
      continue;
    }
    return q + 1;
  }
}

/**
 * End of the object/array opening at i0. `nl` is the first newline at or after i0 (buf.length if none); passing
 * it in keeps single-line multi-megabyte arrays linear. A raw newline inside a string, or a newline followed by
 * `{`/`[` in column 0 while still nested, means the value is damaged (NDJSON line cut short): returns broken().
 */
function scanComposite(buf: string, i0: number, nl: number): number {
  const len = buf.length;
  let depth = 0;
  let i = i0;
  while (i < len) {
    const c = buf.charCodeAt(i);
    if (c === QUOTE) {
      const e = stringEnd(buf, i);
      if (e < 0) return nl < len ? broken(nl) : NEED;
      if (e > nl) return broken(nl);
      i = e;
      continue;
    }
    if (c === LBRACE || c === LBRACK) depth++;
    else if (c === RBRACE || c === RBRACK) {
      if (--depth === 0) return i + 1;
    } else if (c === NL) {
      if (i + 1 >= len) return NEED;
      const n = buf.charCodeAt(i + 1);
      if (n === LBRACE || n === LBRACK) return broken(i);
      nl = buf.indexOf('\n', i + 1);
      if (nl < 0) nl = len;
    }
    i++;
  }
  return NEED;
}

function isDelimiter(c: number): boolean {
  return c === COMMA || c === RBRACK || c === RBRACE || c === SP || c === NL || c === CR || c === TAB;
}

/** End of a bare scalar (number, true, garbage...) at i. */
function scanScalar(buf: string, i: number, eof: boolean): number {
  const len = buf.length;
  while (i < len && !isDelimiter(buf.charCodeAt(i))) i++;
  return i < len || eof ? i : NEED;
}

/**
 * End of the complete JSON value starting at i in text (no damage heuristics), or -1 if it does not end in text.
 * For use on text already framed by the splitter.
 */
export function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return stringEnd(text, i);
  if (c !== LBRACE && c !== LBRACK) {
    const e = scanScalar(text, i, true);
    return e;
  }
  let depth = 0;
  const len = text.length;
  while (i < len) {
    const d = text.charCodeAt(i);
    if (d === QUOTE) {
      const e = stringEnd(text, i);
      if (e < 0) return -1;
      i = e;
      continue;
    }
    if (d === LBRACE || d === LBRACK) depth++;
    else if ((d === RBRACE || d === RBRACK) && --depth === 0) return i + 1;
    i++;
  }
  return -1;
}

export function isJsonSpace(c: number): boolean {
  return c === SP || c === NL || c === CR || c === TAB || c === BOM;
}

// ---------------------------------------------------------------- state: discarding an oversized value

/** Where an oversized value is being skipped: nesting and string state carry over between buffer refills. */
interface Oversized {
  line: number;
  excerpt: string;
  depth: number;
  inStr: boolean;
  esc: boolean;
  scalar: boolean;
}

/** Scans an oversized value from `from`; `done` when it ended (at `end`), else `end` is the buffer's end. */
function skipOversized(buf: string, from: number, skip: Oversized): { end: number; done: boolean } {
  const len = buf.length;
  for (let i = from; i < len; i++) {
    const c = buf.charCodeAt(i);
    if (skip.inStr) {
      if (skip.esc) skip.esc = false;
      else if (c === BSLASH) skip.esc = true;
      else if (c === QUOTE) {
        skip.inStr = false;
        if (skip.depth === 0) return { end: i + 1, done: true };
      }
      continue;
    }
    if (skip.scalar) {
      if (isDelimiter(c)) return { end: i, done: true };
      continue;
    }
    if (c === QUOTE) skip.inStr = true;
    else if (c === LBRACE || c === LBRACK) skip.depth++;
    else if ((c === RBRACE || c === RBRACK) && --skip.depth <= 0) return { end: i + 1, done: true };
  }
  return { end: len, done: false };
}

// ---------------------------------------------------------------- state: resynchronising after damage

/** A damaged region being passed over; it becomes one error event. */
interface Damage {
  line: number;
  reason: string;
  excerpt: string;
  /** The scan position is at the start of a line. */
  atLineStart: boolean;
}

/**
 * The next line start (from `from`) where a record begins (`{` or `[`, indented only inside an array), or where
 * the buffer ran out before one could be seen (`needFrom`).
 */
function findRecordStart(buf: string, from: number, atLineStart: boolean, allowIndent: boolean): { found: number; needFrom: number } {
  const len = buf.length;
  let p = from;
  let lineStart = atLineStart;
  for (;;) {
    if (lineStart) {
      let q = p;
      if (allowIndent) {
        while (q < len) {
          const c = buf.charCodeAt(q);
          if (c === SP || c === TAB || c === CR) q++;
          else break;
        }
      }
      if (q >= len) return { found: -1, needFrom: p };
      const c = buf.charCodeAt(q);
      if (c === LBRACE || c === LBRACK) return { found: q, needFrom: -1 };
    }
    const nl = buf.indexOf('\n', p);
    if (nl < 0) return { found: -1, needFrom: len };
    p = nl + 1;
    lineStart = true;
  }
}

// ---------------------------------------------------------------- state: framing between values

const FRAME_ARR = 0;
const FRAME_PAGE = 1;
const FRAME_PAGEARR = 2;

/** The containers the scan is inside of, and within an OData page object, which member comes next. */
interface Framing {
  frames: number[];
  pageExpectKey: boolean;
  pageKey: string | null;
}

/** What the character between values means: framing (consumed), damage, or the start of a value. */
type FrameStep = { consume: true } | { damage: string } | { value: true };

const CONSUME: FrameStep = { consume: true };
const VALUE: FrameStep = { value: true };

function frameStep(f: Framing, c: number, odata: boolean): FrameStep {
  const top = f.frames.length ? f.frames[f.frames.length - 1] : -1;
  if (top === -1) {
    if (c === LBRACK) {
      f.frames.push(FRAME_ARR);
      return CONSUME;
    }
    if (c === LBRACE && odata) {
      f.frames.push(FRAME_PAGE);
      f.pageExpectKey = true;
      f.pageKey = null;
      return CONSUME;
    }
    return c !== LBRACE && c !== QUOTE ? { damage: 'unexpected text between records' } : VALUE;
  }
  if (top === FRAME_ARR || top === FRAME_PAGEARR) {
    if (c === COMMA) return CONSUME;
    if (c === RBRACK) {
      f.frames.pop();
      if (top === FRAME_PAGEARR) f.pageExpectKey = false;
      return CONSUME;
    }
    if (c === RBRACE || c === COLON) return { damage: `unexpected '${String.fromCharCode(c)}' in array` };
    return VALUE;
  }
  // FRAME_PAGE: members of an OData page object; only "value": [ ... ] matters.
  if (c === COMMA) {
    f.pageExpectKey = true;
    return CONSUME;
  }
  if (c === COLON) return CONSUME;
  if (c === RBRACE) {
    f.frames.pop();
    return CONSUME;
  }
  if (c === LBRACK && !f.pageExpectKey && f.pageKey === 'value') {
    f.frames.push(FRAME_PAGEARR);
    return CONSUME;
  }
  if (f.pageExpectKey && c !== QUOTE) return { damage: 'unexpected text in OData page object' };
  return VALUE;
}

/** Inside an OData page object a value is a member's key (remembered) or a member value other than `value` (ignored). */
function notePageMember(f: Framing, raw: string): void {
  if (!f.pageExpectKey) return;
  try {
    f.pageKey = JSON.parse(raw) as string;
  } catch {
    f.pageKey = raw;
  }
  f.pageExpectKey = false;
}

/** The end of the value starting at `start` (or NEED, or broken(nl)). */
function scanValue(buf: string, start: number, nextNL: number, eof: boolean): number {
  const c = buf.charCodeAt(start);
  if (c === LBRACE || c === LBRACK) return scanComposite(buf, start, nextNL < 0 ? buf.length : nextNL);
  if (c === QUOTE) {
    const end = stringEnd(buf, start);
    return nextNL >= 0 && (end < 0 || end > nextNL) ? broken(nextNL) : end;
  }
  return scanScalar(buf, start, eof);
}

function mib(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MiB` : `${n} characters`;
}

// ---------------------------------------------------------------- the splitter

export async function* splitJsonValues(
  chunks: AsyncIterable<string>,
  opts: SplitJsonOptions = {},
): AsyncGenerator<JsonSplitEvent> {
  const max = opts.maxValueChars ?? DEFAULT_MAX_RECORD_CHARS;
  const odata = opts.odata === true;
  const it = chunks[Symbol.asyncIterator]();
  let buf = '';
  let pos = 0;
  let line = 1;
  let eof = false;
  /** First newline at or after pos (-1: none in buf). Cached so line counting stays linear. */
  let nextNL = -1;

  const framing: Framing = { frames: [], pageExpectKey: false, pageKey: null };
  let damage: Damage | null = null;
  let oversized: Oversized | null = null;
  let lastWasTruncation = false;

  async function more(minChars: number): Promise<void> {
    ({ text: buf, eof } = await refill(it, pos < buf.length ? buf.slice(pos) : '', minChars));
    pos = 0;
    nextNL = buf.indexOf('\n');
  }

  function advance(to: number): void {
    while (nextNL >= 0 && nextNL < to) {
      line++;
      nextNL = buf.indexOf('\n', nextNL + 1);
    }
    pos = to;
  }

  try {
    for (;;) {
      const len = buf.length;

      if (oversized) {
        const { end, done } = skipOversized(buf, pos, oversized);
        advance(end);
        if (done || eof) {
          yield {
            kind: 'error',
            line: oversized.line,
            reason: done ? `record larger than ${mib(max)} (${RAISE_RECORD_LIMIT})` : `record larger than ${mib(max)} and input ended inside it`,
            excerpt: oversized.excerpt,
          };
          oversized = null;
          if (!done) break;
          continue;
        }
        await more(1);
        continue;
      }

      if (damage) {
        const { found, needFrom } = findRecordStart(buf, pos, damage.atLineStart, framing.frames.length > 0);
        const end = found >= 0 ? found : needFrom;
        if (damage.excerpt.length < 300) damage.excerpt += buf.slice(pos, Math.min(end, pos + 300 - damage.excerpt.length));
        const atLineStart = end === pos ? damage.atLineStart : buf.charCodeAt(end - 1) === NL;
        advance(end);
        if (found >= 0 || eof) {
          yield { kind: 'error', line: damage.line, reason: damage.reason, excerpt: excerptOf(damage.excerpt.trimEnd()) };
          damage = null;
          if (found < 0) {
            advance(buf.length);
            break;
          }
          // A record at column 0 starting an array is a new top-level array; inside a page, its value array resumes.
          const col0 = found === 0 || buf.charCodeAt(found - 1) === NL;
          if (buf.charCodeAt(found) === LBRACK && col0) framing.frames.length = 0;
          else if (framing.frames[framing.frames.length - 1] === FRAME_PAGE) framing.frames.push(FRAME_PAGEARR);
          continue;
        }
        damage.atLineStart = atLineStart;
        await more(1);
        continue;
      }

      // Between values: skip blanks.
      let p = pos;
      while (p < len && isJsonSpace(buf.charCodeAt(p))) p++;
      advance(p);
      if (p >= len) {
        if (eof) break;
        await more(1);
        continue;
      }
      const c = buf.charCodeAt(p);
      const inPage = framing.frames[framing.frames.length - 1] === FRAME_PAGE;
      lastWasTruncation = false;

      const step = frameStep(framing, c, odata);
      if ('consume' in step) {
        advance(p + 1);
        continue;
      }
      if ('damage' in step) {
        damage = { line, reason: step.damage, excerpt: '', atLineStart: false };
        continue;
      }

      // A value: a record, or (in a page object) a key or an ignored member value.
      const start = p;
      const end = scanValue(buf, start, nextNL, eof);
      if (end === NEED) {
        if (eof) {
          yield { kind: 'error', line, reason: 'input ended inside this record (file truncated?)', excerpt: excerptOf(buf.slice(start)) };
          lastWasTruncation = true;
          advance(len);
          break;
        }
        if (len - start > max) {
          const scalar = c !== LBRACE && c !== LBRACK && c !== QUOTE;
          oversized = { line, excerpt: excerptOf(buf.slice(start)), depth: 0, inStr: false, esc: false, scalar };
          continue;
        }
        await more(Math.max(len - start, 1));
        continue;
      }
      if (end < 0) {
        const nl = brokenAt(end);
        damage = {
          line,
          reason: 'incomplete record (unbalanced brackets or unterminated string before the next line)',
          excerpt: buf.slice(start, Math.min(nl + 1, start + 300)),
          atLineStart: true,
        };
        advance(nl + 1);
        continue;
      }

      if (inPage) notePageMember(framing, buf.slice(start, end));
      else if (end - start > max) {
        yield { kind: 'error', line, reason: `record larger than ${mib(max)} (${RAISE_RECORD_LIMIT})`, excerpt: excerptOf(buf.slice(start, end)) };
      } else {
        yield { kind: 'value', text: buf.slice(start, end), line };
      }
      advance(end);
    }

    if (framing.frames.length && !lastWasTruncation) {
      const what = framing.frames[framing.frames.length - 1] === FRAME_PAGE ? "'}' of the OData page" : "']' of the array";
      yield { kind: 'error', line, reason: `input ended before the closing ${what} (file truncated?)`, excerpt: '' };
    }
  } finally {
    // Stop the upstream (e.g. close the file) when the consumer stops early.
    if (!eof) await it.return?.();
  }
}
