/**
 * A streaming XLSX writer for one sheet of text cells: SpreadsheetML parts in a zip whose sheet is deflated as rows
 * arrive (entries carry data descriptors, so nothing is buffered whole). No dependency: the format needs only
 * deflate and CRC-32 (zlib). Cells are inline strings, so nothing in a cell can act as a formula.
 */
import type { Writable } from 'node:stream';
import zlib from 'node:zlib';
import { writeChunk } from './write-chunk';

/** Excel's limits: characters in one cell, rows in one sheet. */
export const MAX_ROWS = 1_048_576;
export const MAX_CELL_CHARS = 32_767;
const TRUNCATED = '… [truncated: the CSV download has the whole value]';

/** XML 1.0 forbids most control characters; they become U+FFFD (visible, never silently dropped). */
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(value: string): string {
  return value.replace(INVALID_XML, '\uFFFD').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** A cell's text, cut to Excel's limit with a visible marker. */
export function cellText(value: string): string {
  return value.length <= MAX_CELL_CHARS ? value : value.slice(0, MAX_CELL_CHARS - TRUNCATED.length) + TRUNCATED;
}

const FIXED_PARTS: [string, string][] = [
  [
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
      '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
  ],
  [
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  ],
  [
    'xl/_rels/workbook.xml.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
      '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
  ],
  [
    'xl/styles.xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
      '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '</styleSheet>',
  ],
];

const workbook = (sheetName: string) =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
  `<sheets><sheet name="${xmlText(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`;

interface Entry {
  name: Buffer;
  offset: number;
  crc: number;
  compressed: number;
  size: number;
}


/** DOS date and time of the zip entries (the export's time, UTC). */
function dosTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** Writes a zip to `out` entry by entry; each entry is deflated as it is written. */
class ZipStream {
  private offset = 0;
  private readonly entries: Entry[] = [];
  private readonly stamp = dosTime(new Date());

  constructor(private readonly out: Writable) {}

  private async raw(chunk: Buffer): Promise<void> {
    this.offset += chunk.length;
    await writeChunk(this.out, chunk);
  }

  /** Starts an entry; write text with the answered function, then call its end. */
  async begin(name: string): Promise<{ write(text: string): Promise<void>; end(): Promise<void> }> {
    const nameBytes = Buffer.from(name, 'utf8');
    const entry: Entry = { name: nameBytes, offset: this.offset, crc: 0, compressed: 0, size: 0 };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0808, 6); // sizes in a data descriptor; UTF-8 names
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(this.stamp.time, 10);
    header.writeUInt16LE(this.stamp.date, 12);
    header.writeUInt16LE(nameBytes.length, 26);
    await this.raw(Buffer.concat([header, nameBytes]));
    const deflate = zlib.createDeflateRaw();
    const pending: Buffer[] = [];
    deflate.on('data', (chunk: Buffer) => pending.push(chunk));
    const flush = async () => {
      while (pending.length) {
        const chunk = pending.shift()!;
        entry.compressed += chunk.length;
        await this.raw(chunk);
      }
    };
    return {
      write: async (text: string) => {
        const bytes = Buffer.from(text, 'utf8');
        entry.crc = zlib.crc32(bytes, entry.crc);
        entry.size += bytes.length;
        if (entry.size > 0xffff_ffff) throw new Error('xlsx: a sheet over 4 GiB needs ZIP64, which this writer does not write; narrow the request or use CSV.');
        await new Promise<void>((resolve, reject) => deflate.write(bytes, (error) => (error ? reject(error) : resolve())));
        await flush();
      },
      end: async () => {
        await new Promise<void>((resolve, reject) => {
          deflate.once('end', resolve);
          deflate.once('error', reject);
          deflate.end();
        });
        await flush();
        const descriptor = Buffer.alloc(16);
        descriptor.writeUInt32LE(0x08074b50, 0);
        descriptor.writeUInt32LE(entry.crc >>> 0, 4);
        descriptor.writeUInt32LE(entry.compressed, 8);
        descriptor.writeUInt32LE(entry.size, 12);
        await this.raw(descriptor);
        this.entries.push(entry);
      },
    };
  }

  async file(name: string, text: string): Promise<void> {
    const entry = await this.begin(name);
    await entry.write(text);
    await entry.end();
  }

  /** The central directory and its end record. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const e of this.entries) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4);
      h.writeUInt16LE(20, 6);
      h.writeUInt16LE(0x0808, 8);
      h.writeUInt16LE(8, 10);
      h.writeUInt16LE(this.stamp.time, 12);
      h.writeUInt16LE(this.stamp.date, 14);
      h.writeUInt32LE(e.crc >>> 0, 16);
      h.writeUInt32LE(e.compressed, 20);
      h.writeUInt32LE(e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      h.writeUInt32LE(e.offset, 42);
      await this.raw(Buffer.concat([h, e.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.raw(end);
  }
}

/** Column letters: 0 -> A, 25 -> Z, 26 -> AA. */
function column(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function rowXml(index: number, cells: readonly string[], style: number): string {
  const r = index + 1;
  const s = style ? ` s="${style}"` : '';
  return `<row r="${r}">${cells.map((v, i) => `<c r="${column(i)}${r}" t="inlineStr"${s}><is><t xml:space="preserve">${xmlText(cellText(v))}</t></is></c>`).join('')}</row>`;
}

/**
 * One sheet: a bold header row, then the rows `rows` yields (batches of text cells), streamed to `out` (left
 * open). Answers the number of data rows.
 */
export async function writeXlsx(out: Writable, sheetName: string, header: readonly string[], rows: (emit: (batch: string[][]) => Promise<void>) => Promise<void>): Promise<number> {
  const zip = new ZipStream(out);
  for (const [name, text] of FIXED_PARTS) await zip.file(name, text);
  await zip.file('xl/workbook.xml', workbook(sheetName));
  const sheet = await zip.begin('xl/worksheets/sheet1.xml');
  await sheet.write(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      `<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>${rowXml(0, header, 1)}`,
  );
  let n = 0;
  let over = 0;
  await rows(async (batch) => {
    // Past Excel's last row the rest is counted and named in a last row, never dropped silently.
    const room = Math.max(0, MAX_ROWS - 2 - n);
    over += Math.max(0, batch.length - room);
    await sheet.write(batch.slice(0, room).map((cells) => rowXml(++n, cells, 0)).join(''));
  });
  if (over) await sheet.write(rowXml(++n, [`… ${over} more rows do not fit in a sheet: use the CSV download.`], 1));
  await sheet.write('</sheetData></worksheet>');
  await sheet.end();
  await zip.finish();
  return n;
}
