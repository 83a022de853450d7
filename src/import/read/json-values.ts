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
import { DEFAULT_MAX_RECORD_CHARS, excerptOf } from './errors';

export type JsonSplitEvent =
  | { kind: 'value'; text: string; line: number }
  | { kind: 'error'; line: number; reason: string; excerpt: string };

export interface SplitJsonOptions {
  /** Largest accepted value, in UTF-16 code units (≈ bytes for ASCII JSON). Default 32 MiB. */
  maxValueChars?: number;
  /** Treat top-level objects as OData pages and yield the elements of their `value` array. */
  odata?: boolean;
}


const QUOTE = 34;
const BSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACK = 91;
const RBRACK = 93;
const NL = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const COMMA = 44;
const COLON = 58;
const BOM = 0xfeff;

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

const FRAME_ARR = 0;
const FRAME_PAGE = 1;
const FRAME_PAGEARR = 2;

interface Junk {
  line: number;
  reason: string;
  excerpt: string;
  atLineStart: boolean;
}

interface Skip {
  line: number;
  excerpt: string;
  depth: number;
  inStr: boolean;
  esc: boolean;
  scalar: boolean;
}

function mib(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MiB` : `${n} characters`;
}

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

  const frames: number[] = [];
  let pageExpectKey = false;
  let pageKey: string | null = null;
  let junk: Junk | null = null;
  let skip: Skip | null = null;
  let lastWasTruncation = false;

  /** Append at least minChars of new input (doubling on retries keeps re-scans of long values linear overall). */
  async function more(minChars: number): Promise<void> {
    const parts: string[] = [pos < buf.length ? buf.slice(pos) : ''];
    let got = 0;
    while (got < minChars) {
      const r = await it.next();
      if (r.done) {
        eof = true;
        break;
      }
      if (r.value.length === 0) continue;
      parts.push(r.value);
      got += r.value.length;
    }
    buf = parts.length === 1 ? parts[0]! : parts.join('');
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

  function junkExcerpt(to: number): void {
    if (junk && junk.excerpt.length < 300) junk.excerpt += buf.slice(pos, Math.min(to, pos + 300 - junk.excerpt.length));
  }

  try {
    for (;;) {
      const len = buf.length;

      // --- discarding an oversized value
      if (skip) {
        let i = pos;
        let done = false;
        for (; i < len; i++) {
          const c = buf.charCodeAt(i);
          if (skip.inStr) {
            if (skip.esc) skip.esc = false;
            else if (c === BSLASH) skip.esc = true;
            else if (c === QUOTE) {
              skip.inStr = false;
              if (skip.depth === 0) {
                done = true;
                i++;
                break;
              }
            }
            continue;
          }
          if (skip.scalar) {
            if (isDelimiter(c)) {
              done = true;
              break;
            }
            continue;
          }
          if (c === QUOTE) skip.inStr = true;
          else if (c === LBRACE || c === LBRACK) skip.depth++;
          else if (c === RBRACE || c === RBRACK) {
            if (--skip.depth <= 0) {
              done = true;
              i++;
              break;
            }
          }
        }
        advance(i);
        if (done || eof) {
          yield {
            kind: 'error',
            line: skip.line,
            reason: done ? `record larger than ${mib(max)}` : `record larger than ${mib(max)} and input ended inside it`,
            excerpt: skip.excerpt,
          };
          skip = null;
          if (!done) break;
          continue;
        }
        await more(1);
        continue;
      }

      // --- resynchronising after damage: find a line that starts a record
      if (junk) {
        const allowIndent = frames.length > 0;
        let p = pos;
        let lineStart = junk.atLineStart;
        let found = -1;
        let needFrom = -1;
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
            if (q >= len) {
              needFrom = p;
              break;
            }
            const c = buf.charCodeAt(q);
            if (c === LBRACE || c === LBRACK) {
              found = q;
              break;
            }
          }
          const nl = buf.indexOf('\n', p);
          if (nl < 0) {
            needFrom = len;
            break;
          }
          p = nl + 1;
          lineStart = true;
        }
        const end = found >= 0 ? found : needFrom;
        junkExcerpt(end);
        const atLineStart = end === pos ? junk.atLineStart : buf.charCodeAt(end - 1) === NL;
        advance(end);
        if (found >= 0 || eof) {
          yield { kind: 'error', line: junk.line, reason: junk.reason, excerpt: excerptOf(junk.excerpt.trimEnd()) };
          junk = null;
          if (found < 0) {
            advance(buf.length);
            break;
          }
          const col0 = found === 0 || buf.charCodeAt(found - 1) === NL;
          if (buf.charCodeAt(found) === LBRACK && col0) frames.length = 0;
          else if (frames[frames.length - 1] === FRAME_PAGE) frames.push(FRAME_PAGEARR);
          continue;
        }
        junk.atLineStart = atLineStart;
        await more(1);
        continue;
      }

      // --- between values: skip blanks
      let p = pos;
      while (p < len && isJsonSpace(buf.charCodeAt(p))) p++;
      advance(p);
      if (p >= len) {
        if (eof) break;
        await more(1);
        continue;
      }
      const c = buf.charCodeAt(p);
      const top = frames.length ? frames[frames.length - 1] : -1;
      lastWasTruncation = false;

      // Framing characters.
      if (top === -1) {
        if (c === LBRACK) {
          frames.push(FRAME_ARR);
          advance(p + 1);
          continue;
        }
        if (c === LBRACE && odata) {
          frames.push(FRAME_PAGE);
          pageExpectKey = true;
          pageKey = null;
          advance(p + 1);
          continue;
        }
        if (c !== LBRACE && c !== QUOTE) {
          junk = { line, reason: 'unexpected text between records', excerpt: '', atLineStart: false };
          continue;
        }
      } else if (top === FRAME_ARR || top === FRAME_PAGEARR) {
        if (c === COMMA) {
          advance(p + 1);
          continue;
        }
        if (c === RBRACK) {
          frames.pop();
          if (top === FRAME_PAGEARR) pageExpectKey = false;
          advance(p + 1);
          continue;
        }
        if (c === RBRACE || c === COLON) {
          junk = { line, reason: `unexpected '${String.fromCharCode(c)}' in array`, excerpt: '', atLineStart: false };
          continue;
        }
      } else {
        // FRAME_PAGE: members of an OData page object; only "value": [ ... ] matters.
        if (c === COMMA) {
          pageExpectKey = true;
          advance(p + 1);
          continue;
        }
        if (c === COLON) {
          advance(p + 1);
          continue;
        }
        if (c === RBRACE) {
          frames.pop();
          advance(p + 1);
          continue;
        }
        if (c === LBRACK && !pageExpectKey && pageKey === 'value') {
          frames.push(FRAME_PAGEARR);
          advance(p + 1);
          continue;
        }
        if (pageExpectKey && c !== QUOTE) {
          junk = { line, reason: 'unexpected text in OData page object', excerpt: '', atLineStart: false };
          continue;
        }
      }

      // A value: a record, or (in a page object) a key or an ignored member value.
      const start = p;
      let end: number;
      if (c === LBRACE || c === LBRACK) end = scanComposite(buf, start, nextNL < 0 ? len : nextNL);
      else if (c === QUOTE) {
        end = stringEnd(buf, start);
        if (nextNL >= 0 && (end < 0 || end > nextNL)) end = broken(nextNL);
      } else end = scanScalar(buf, start, eof);

      if (end === NEED) {
        if (eof) {
          yield {
            kind: 'error',
            line,
            reason: 'input ended inside this record (file truncated?)',
            excerpt: excerptOf(buf.slice(start)),
          };
          lastWasTruncation = true;
          advance(len);
          break;
        }
        if (len - start > max) {
          skip = {
            line,
            excerpt: excerptOf(buf.slice(start)),
            depth: 0,
            inStr: false,
            esc: false,
            scalar: c !== LBRACE && c !== LBRACK && c !== QUOTE,
          };
          continue;
        }
        await more(Math.max(len - start, 1));
        continue;
      }
      if (end < 0) {
        const nl = brokenAt(end);
        junk = {
          line,
          reason: 'incomplete record (unbalanced brackets or unterminated string before the next line)',
          excerpt: buf.slice(start, Math.min(nl + 1, start + 300)),
          atLineStart: true,
        };
        advance(nl + 1);
        continue;
      }

      if (top === FRAME_PAGE) {
        if (pageExpectKey) {
          const raw = buf.slice(start, end);
          try {
            pageKey = JSON.parse(raw) as string;
          } catch {
            pageKey = raw;
          }
          pageExpectKey = false;
        }
        advance(end);
        continue;
      }

      if (end - start > max) {
        yield {
          kind: 'error',
          line,
          reason: `record larger than ${mib(max)}`,
          excerpt: excerptOf(buf.slice(start, end)),
        };
      } else {
        yield { kind: 'value', text: buf.slice(start, end), line };
      }
      advance(end);
    }

    if (frames.length && !lastWasTruncation) {
      const what = frames[frames.length - 1] === FRAME_PAGE ? "'}' of the OData page" : "']' of the array";
      yield { kind: 'error', line, reason: `input ended before the closing ${what} (file truncated?)`, excerpt: '' };
    }
  } finally {
    // Stop the upstream (e.g. close the file) when the consumer stops early.
    if (!eof) await it.return?.();
  }
}
