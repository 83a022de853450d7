/**
 * Streaming RFC 4180 CSV reader over string chunks: rows as string arrays with the 1-based line where each row
 * starts (quoted cells may span lines), and error events for rows that cannot be framed.
 *
 * Why not csv-parse: with skip_records_with_error, csv-parse 6.1 silently loses the rows that follow a malformed
 * closing quote, drops whole chunks after a CSV_MAX_RECORD_SIZE error, and miscounts lines when quoted cells
 * contain CRLF - all three break "never drop silently" and "correct line numbers". This reader jumps through
 * quoted cells with indexOf, so it is also faster on AuditData-heavy rows.
 *
 * Recovery: a quote that never closes (or a row above the size cap) rejects only the row's first physical line
 * and re-reads from the next line, so one stray quote cannot swallow the rest of the file.
 */
import { CR, NL, QUOTE, refill } from './chunk-buffer';
import { DEFAULT_MAX_RECORD_CHARS, excerptOf, RAISE_RECORD_LIMIT } from './errors';

export type CsvEvent =
  | { kind: 'row'; cells: string[]; line: number; /** Source text of the row (for excerpts). */ text: string }
  | { kind: 'error'; line: number; reason: string; excerpt: string };

export interface CsvReadOptions {
  /** Field delimiter (one character). Default ','. */
  delimiter?: string;
  /** Largest accepted row in UTF-16 code units. Default DEFAULT_MAX_RECORD_CHARS. */
  maxRecordChars?: number;
}


const R_OK = 0;
const R_NEED = 1;
const R_BADQUOTE = 2;
const R_UNCLOSED = 3;

interface ParseOut {
  cells: string[];
  end: number;
  /** '\n' characters consumed (inside quoted cells and the row terminator). */
  nls: number;
  errPos: number;
}

function parseRecord(buf: string, i: number, eof: boolean, d: number, out: ParseOut): number {
  const len = buf.length;
  const cells: string[] = [];
  let nls = 0;
  for (;;) {
    if (i >= len) {
      if (!eof) return R_NEED;
      cells.push('');
      break;
    }
    let c = buf.charCodeAt(i);
    let field: string;
    if (c === QUOTE) {
      let j = i + 1;
      let hasEsc = false;
      let q: number;
      for (;;) {
        q = buf.indexOf('"', j);
        if (q < 0) return eof ? R_UNCLOSED : R_NEED;
        if (q + 1 >= len && !eof) return R_NEED;
        if (buf.charCodeAt(q + 1) === QUOTE) {
          hasEsc = true;
          j = q + 2;
          continue;
        }
        break;
      }
      field = buf.slice(i + 1, q);
      for (let k = field.indexOf('\n'); k >= 0; k = field.indexOf('\n', k + 1)) nls++;
      if (hasEsc) field = field.replaceAll('""', '"');
      i = q + 1;
      if (i < len) {
        c = buf.charCodeAt(i);
        if (c !== d && c !== NL && c !== CR) {
          out.errPos = i;
          return R_BADQUOTE;
        }
      }
    } else {
      let j = i;
      while (j < len) {
        c = buf.charCodeAt(j);
        if (c === d || c === NL || c === CR) break;
        j++;
      }
      if (j >= len && !eof) return R_NEED;
      field = buf.slice(i, j);
      i = j;
    }
    cells.push(field);
    if (i >= len) break; // only reachable at eof
    c = buf.charCodeAt(i);
    if (c === d) {
      i++;
      continue;
    }
    if (c === CR) {
      if (i + 1 >= len && !eof) return R_NEED;
      if (buf.charCodeAt(i + 1) === NL) {
        i += 2;
        nls++;
      } else i += 1; // lone CR (classic Mac) ends the row but is not a line for numbering
    } else {
      i++;
      nls++;
    }
    break;
  }
  out.cells = cells;
  out.end = Math.min(i, len);
  out.nls = nls;
  return R_OK;
}

function countNL(s: string, a: number, b: number): number {
  let n = 0;
  for (let k = s.indexOf('\n', a); k >= 0 && k < b; k = s.indexOf('\n', k + 1)) n++;
  return n;
}

function isBlank(cells: string[]): boolean {
  for (const c of cells) if (c !== '') return false;
  return true;
}

export async function* readCsvRows(chunks: AsyncIterable<string>, opts: CsvReadOptions = {}): AsyncGenerator<CsvEvent> {
  const d = (opts.delimiter ?? ',').charCodeAt(0);
  const max = opts.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const it = chunks[Symbol.asyncIterator]();
  let buf = '';
  let pos = 0;
  let line = 1;
  let eof = false;
  /** Discarding the rest of an over-long physical line. */
  let skipLine = false;
  const out: ParseOut = { cells: [], end: 0, nls: 0, errPos: 0 };

  async function more(minChars: number): Promise<void> {
    ({ text: buf, eof } = await refill(it, pos < buf.length ? buf.slice(pos) : '', minChars));
    pos = 0;
  }

  /** Reject the first physical line of the row at pos and continue on the next line. */
  function rejectFirstLine(reason: string): CsvEvent {
    const nl = buf.indexOf('\n', pos);
    const end = nl < 0 ? buf.length : nl + 1;
    const ev: CsvEvent = { kind: 'error', line, reason, excerpt: excerptOf(buf.slice(pos, end).trimEnd()) };
    if (nl >= 0) line++;
    else if (!eof) skipLine = true;
    pos = end;
    return ev;
  }

  try {
    for (;;) {
      if (skipLine) {
        const nl = buf.indexOf('\n', pos);
        if (nl >= 0) {
          line++;
          pos = nl + 1;
          skipLine = false;
        } else {
          pos = buf.length;
          if (eof) break;
          await more(1);
          continue;
        }
      }
      if (pos >= buf.length) {
        if (eof) break;
        await more(1);
        continue;
      }
      const r = parseRecord(buf, pos, eof, d, out);
      if (r === R_OK) {
        const cells = out.cells;
        if (!isBlank(cells)) yield { kind: 'row', cells, line, text: buf.slice(pos, out.end) };
        line += out.nls;
        pos = out.end;
      } else if (r === R_NEED) {
        if (buf.length - pos > max) {
          yield rejectFirstLine(`row larger than ${Math.round(max / 1024 / 1024)} MiB (or a quote that never closes; ${RAISE_RECORD_LIMIT})`);
        } else await more(Math.max(buf.length - pos, 1));
      } else if (r === R_UNCLOSED) {
        yield rejectFirstLine('quoted field never closes (file truncated, or a stray quote)');
      } else {
        // Closing quote followed by text. If the quoted field ran over a line break, the quote that opened it is
        // the likely culprit (stray/unclosed quote swallowing the next row): drop only that first line.
        const firstNl = buf.indexOf('\n', pos);
        if (firstNl >= 0 && firstNl < out.errPos) {
          yield rejectFirstLine('malformed quoted field: a quote opened on this line does not close before the next line');
          continue;
        }
        const nl = buf.indexOf('\n', out.errPos);
        if (nl < 0 && !eof) {
          if (buf.length - pos > max) yield rejectFirstLine('malformed quoted field');
          else await more(Math.max(buf.length - pos, 1));
          continue;
        }
        const end = nl < 0 ? buf.length : nl + 1;
        const bad = buf.charAt(out.errPos);
        yield {
          kind: 'error',
          line,
          reason: `malformed quoted field: closing quote followed by '${bad}' instead of a delimiter`,
          excerpt: excerptOf(buf.slice(pos, end).trimEnd()),
        };
        line += countNL(buf, pos, end);
        pos = end;
      }
    }
  } finally {
    if (!eof) await it.return?.();
  }
}

/** Split one line of CSV (a header) into cells; tolerant, for detection only. */
export function splitCsvLine(lineText: string, delimiter: string): string[] {
  const out: ParseOut = { cells: [], end: 0, nls: 0, errPos: 0 };
  const r = parseRecord(lineText, 0, true, delimiter.charCodeAt(0), out);
  if (r === R_OK) return out.cells;
  return lineText.split(delimiter).map((c) => c.replace(/^"|"$/g, ''));
}
