/** Containers, encodings, and framing/recovery of the read stage. */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import {
  decodeText,
  NotAnAuditExportError,
  readAuditExport,
  readAuditFile,
  readCsvRows,
  splitJsonValues,
  UnsafeArchiveError,
  type AuditExportFile,
} from '../../src/import/read';
import type { ReadEvent } from '../../src/import/types';

const AD = (i: number) => ({ CreationTime: `2024-05-18T22:30:0${i % 10}`, Id: `id-${i}`, Operation: 'MailItemsAccessed', RecordType: 50, Workload: 'Exchange' });
const ndjson = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify(AD(i))).join('\n') + '\n';
const CSV_HEADER = 'CreationDate,UserIds,Operations,AuditData';
const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
const csvRow = (i: number) => `2024-01-01,u@x,MailItemsAccessed,${q(JSON.stringify(AD(i)))}`;

async function collect(input: Readable, opts: Parameters<typeof readAuditExport>[1] = {}) {
  const out: Array<{ file: AuditExportFile; events: ReadEvent[] }> = [];
  for await (const file of readAuditExport(input, opts)) {
    const events: ReadEvent[] = [];
    for await (const ev of file.events) events.push(ev);
    out.push({ file, events });
  }
  return out;
}

function split(events: ReadEvent[]) {
  return {
    records: events.flatMap((e) => (e.kind === 'record' ? [e.record] : [])),
    rejections: events.flatMap((e) => (e.kind === 'rejection' ? [e.rejection] : [])),
  };
}

async function readOne(bytes: Buffer | string, chunkSize = 0, opts: Parameters<typeof readAuditExport>[1] = {}) {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const chunks: Buffer[] = [];
  if (chunkSize > 0) for (let i = 0; i < b.length; i += chunkSize) chunks.push(b.subarray(i, i + chunkSize));
  else chunks.push(b);
  const files = await collect(Readable.from(chunks), opts);
  expect(files).toHaveLength(1);
  return { format: files[0]!.file.format, container: files[0]!.file.container, ...split(files[0]!.events) };
}

async function* strings(parts: string[]) {
  for (const p of parts) yield p;
}

// ---- minimal zip writer (deflate), enough for tests
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function makeZip(entries: Array<{ name: string; data: Buffer | string }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : e.data;
    const comp = zlib.deflateRawSync(data);
    const name = Buffer.from(e.name);
    const crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x800, 8);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, comp);
    centrals.push(ch, name);
    offset += 30 + name.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

describe('encodings', () => {
  const text = `${CSV_HEADER}\r\n${csvRow(1)}\r\n${csvRow(2)}\r\n`;

  it.each([
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ['UTF-16LE without BOM', Buffer.from(text, 'utf16le')],
  ])('%s (CRLF), fed in 3-byte chunks', async (_n, bytes) => {
    const r = await readOne(bytes, 3);
    expect(r.format).toBe('PURVIEW_CLASSIC_CSV');
    expect(r.rejections).toEqual([]);
    expect(r.records.map((x) => [x.line, x.auditData.Id])).toEqual([
      [2, 'id-1'],
      [3, 'id-2'],
    ]);
  });

  it('multi-byte characters split across chunk boundaries survive', async () => {
    const rec = { ...AD(1), Folder: '\\Boîte de réception 📬 受信トレイ' };
    const bytes = Buffer.from(JSON.stringify(rec) + '\n');
    for (const size of [1, 2, 3, 5]) {
      const r = await readOne(bytes, size);
      expect(r.records[0]!.auditData).toEqual(rec);
    }
    const decoded: string[] = [];
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a📬b', 'utf16le')]);
    for await (const s of decodeText(Readable.from([...le].map((x) => Buffer.from([x]))))) decoded.push(s);
    expect(decoded.join('')).toBe('a📬b');
  });
});

describe('containers', () => {
  it('gzip', async () => {
    const r = await readOne(zlib.gzipSync(ndjson(3)), 10);
    expect(r.container).toBe('gzip');
    expect(r.records).toHaveLength(3);
  });

  it('truncated gzip keeps the good records and reports the damage', async () => {
    const big = ndjson(2000);
    const gz = zlib.gzipSync(big);
    const r = await readOne(gz.subarray(0, Math.floor(gz.length / 2)));
    expect(r.records.length).toBeGreaterThan(100);
    expect(r.records.length).toBeLessThan(2000);
    expect(r.rejections.at(-1)!.reason).toMatch(/compressed data is damaged or truncated/);
  });

  it('zip: each audit entry is its own file; directories and non-audit entries are skipped and reported', async () => {
    const zip = makeZip([
      { name: 'out/', data: '' },
      { name: 'out/UAL-1.json', data: JSON.stringify([AD(1), AD(2)]) },
      { name: 'out/README.txt', data: 'hello' },
      { name: 'out/purview.csv', data: `${CSV_HEADER}\n${csvRow(3)}\n` },
    ]);
    const skipped: string[] = [];
    let bytes = 0;
    const files = await collect(Readable.from([zip]), { fileName: 'export.zip', onSkippedEntry: (n) => skipped.push(n), onBytes: (n) => (bytes += n) });
    expect(files.map((f) => [f.file.entryName, f.file.format, split(f.events).records.length])).toEqual([
      ['out/UAL-1.json', 'MANAGEMENT_API_JSON', 2],
      ['out/purview.csv', 'PURVIEW_CLASSIC_CSV', 1],
    ]);
    expect(skipped).toEqual(['out/README.txt']);
    expect(bytes).toBe(zip.length);
  });

  it('zip read in place from a file path', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'read-test-'));
    try {
      const file = path.join(dir, 'a.zip');
      await fsp.writeFile(file, makeZip([{ name: 'a.ndjson', data: ndjson(4) }]));
      const files: Array<[string | null, number]> = [];
      for await (const f of readAuditFile(file)) {
        let n = 0;
        for await (const ev of f.events) if (ev.kind === 'record') n++;
        files.push([f.entryName, n]);
      }
      expect(files).toEqual([['a.ndjson', 4]]);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('zip without audit data, path traversal, and size cap are refused', async () => {
    await expect(collect(Readable.from([makeZip([{ name: 'notes.txt', data: 'hi' }])]), { fileName: 'x.zip' })).rejects.toThrow(
      /x\.zip does not look like an audit export: it is a zip archive without an audit export inside \(entries: notes\.txt\)/,
    );
    await expect(collect(Readable.from([makeZip([{ name: '../../etc/passwd.json', data: ndjson(1) }])]))).rejects.toBeInstanceOf(UnsafeArchiveError);
    await expect(collect(Readable.from([makeZip([{ name: 'a.json', data: ndjson(50) }])]), { maxTotalBytes: 100 })).rejects.toBeInstanceOf(
      UnsafeArchiveError,
    );
    await expect(collect(Readable.from([zlib.gzipSync(ndjson(50))]), { maxTotalBytes: 100 })).rejects.toBeInstanceOf(UnsafeArchiveError);
  });

  it('onBytes counts raw input bytes', async () => {
    const gz = zlib.gzipSync(ndjson(100));
    let n = 0;
    await readOne(gz, 100, { onBytes: (b) => (n += b) });
    expect(n).toBe(gz.length);
  });
});

describe('JSON framing and recovery', () => {
  it('braces and quotes inside strings, escaped quotes and backslashes', async () => {
    const rec = { ...AD(1), ObjectId: 'a "}{" \\"] [\\\\', Path: '\\\\', E: '\\' };
    const r = await readOne(`[${JSON.stringify(rec)},${JSON.stringify(AD(2))}]`, 4);
    expect(r.records.map((x) => x.auditData)).toEqual([rec, AD(2)]);
  });

  it('truncated last record -> rejection at the line where it starts', async () => {
    const text = ndjson(3) + JSON.stringify(AD(4)).slice(0, 30);
    const r = await readOne(text, 16);
    expect(r.records).toHaveLength(3);
    expect(r.rejections).toEqual([{ line: 4, reason: 'input ended inside this record (file truncated?)', excerpt: JSON.stringify(AD(4)).slice(0, 30) }]);

    const pretty = JSON.stringify([AD(1), AD(2)], null, 2);
    const cut = pretty.slice(0, pretty.lastIndexOf('"Operation"'));
    const p = await readOne(cut, 16);
    expect(p.records).toHaveLength(1);
    expect(p.rejections.map((x) => [x.line, x.reason])).toEqual([[9, 'input ended inside this record (file truncated?)']]);
  });

  it('array without its closing bracket is flagged', async () => {
    const r = await readOne(`[${JSON.stringify(AD(1))},\n`);
    expect(r.records).toHaveLength(1);
    expect(r.rejections.map((x) => x.reason)).toEqual(["input ended before the closing ']' of the array (file truncated?)"]);
  });

  it('NDJSON: a cut-short line and a garbage line are rejected; the next lines still read', async () => {
    const lines = [JSON.stringify(AD(1)), JSON.stringify(AD(2)).slice(0, 25), 'garbage ] here', JSON.stringify(AD(3)), '{"broken": tru}', JSON.stringify(AD(4))];
    const r = await readOne(lines.join('\n') + '\n', 8);
    expect(r.records.map((x) => [x.line, x.auditData.Id])).toEqual([
      [1, 'id-1'],
      [4, 'id-3'],
      [6, 'id-4'],
    ]);
    expect(r.rejections.map((x) => x.line)).toEqual([2, 5]);
    expect(r.rejections[0]!.reason).toMatch(/incomplete record/);
    expect(r.rejections[0]!.excerpt).toContain('garbage');
    expect(r.rejections[1]!.reason).toMatch(/^invalid JSON/);
  });

  it('a value above the size cap is rejected without buffering the rest; reading continues', async () => {
    const big = { ...AD(9), Blob: 'x'.repeat(5000) };
    const r = await readOne(`${JSON.stringify(big)}\n${JSON.stringify(AD(1))}\n`, 256, { maxRecordChars: 1000 });
    expect(r.records.map((x) => x.auditData.Id)).toEqual(['id-1']);
    expect(r.rejections).toHaveLength(1);
    expect(r.rejections[0]!.reason).toMatch(/^record larger than 1000 characters/);
    expect(r.rejections[0]!.excerpt.length).toBeLessThanOrEqual(300);
  });

  it('splitter on its own: string chunks in, values + start lines out', async () => {
    const out: unknown[] = [];
    for await (const ev of splitJsonValues(strings(['{"a":', '1}\n', '\n{"b"', ':"}"}']))) out.push(ev);
    expect(out).toEqual([
      { kind: 'value', text: '{"a":1}', line: 1 },
      { kind: 'value', text: '{"b":"}"}', line: 3 },
    ]);
  });
});

describe('CSV framing and recovery', () => {
  it('line numbers stay right with embedded newlines (LF and CRLF) in quoted cells', async () => {
    const text = `${CSV_HEADER}\r\n"multi\r\nline\r\ncell",u,op,${q(JSON.stringify(AD(1)))}\r\n"x\ny",u,op,${q(JSON.stringify(AD(2)))}\r\n${csvRow(3)}\r\n\r\n\r\n`;
    const r = await readOne(text, 5);
    expect(r.records.map((x) => x.line)).toEqual([2, 5, 7]);
    expect(r.records[0]!.wrapper.creationDate).toBe('multi\r\nline\r\ncell');
    expect(r.rejections).toEqual([]);
  });

  it('wrong column count -> rejection with line, counts and excerpt', async () => {
    const r = await readOne(`${CSV_HEADER}\n${csvRow(1)}\nonly,three,cols\n${csvRow(2)},extra\n${csvRow(3)}\n`);
    expect(r.records.map((x) => x.line)).toEqual([2, 5]);
    expect(r.rejections).toEqual([
      { line: 3, reason: 'expected 4 columns, found 3', excerpt: 'only,three,cols' },
      { line: 4, reason: 'expected 4 columns, found 5', excerpt: `${csvRow(2)},extra` },
    ]);
  });

  it('malformed quote and a quote that never closes cost only their own rows', async () => {
    const text = `${CSV_HEADER}\n${csvRow(1)}\nd,"u"x,op,{}\n${csvRow(2)}\nd,u,op,"{""never closed\n${csvRow(3)}\n${csvRow(4)}\n`;
    const r = await readOne(text, 7);
    expect(r.records.map((x) => [x.line, x.auditData.Id])).toEqual([
      [2, 'id-1'],
      [4, 'id-2'],
      [6, 'id-3'],
      [7, 'id-4'],
    ]);
    expect(r.rejections.map((x) => [x.line, x.reason])).toEqual([
      [3, "malformed quoted field: closing quote followed by 'x' instead of a delimiter"],
      [5, 'malformed quoted field: a quote opened on this line does not close before the next line'],
    ]);
    // A quote still open at the end of the file: that line is rejected, the lines after it are re-read as rows.
    const t = await readOne(`${CSV_HEADER}\n${csvRow(1)}\nd,u,op,"{ never closed\nplain,row,no,json\n`);
    expect(t.records.map((x) => x.line)).toEqual([2]);
    expect(t.rejections.map((x) => [x.line, x.reason])).toEqual([
      [3, 'quoted field never closes (file truncated, or a stray quote)'],
      [4, 'AuditData is not valid JSON (truncated?)'],
    ]);
  });

  it('truncated inside the last AuditData cell -> rejection for that row', async () => {
    const text = `${CSV_HEADER}\r\n${csvRow(1)}\r\n${csvRow(2).slice(0, 60)}`;
    const r = await readOne(text);
    expect(r.records).toHaveLength(1);
    expect(r.rejections.map((x) => x.line)).toEqual([3]);
  });

  it('readCsvRows on its own', async () => {
    const out: unknown[] = [];
    for await (const ev of readCsvRows(strings(['a,"b', '""c"\r', '\nd,e\n']))) out.push(ev);
    expect(out).toEqual([
      { kind: 'row', cells: ['a', 'b"c'], line: 1, text: 'a,"b""c"\r\n' },
      { kind: 'row', cells: ['d', 'e'], line: 2, text: 'd,e\n' },
    ]);
  });
});

describe('errors', () => {
  it('NotAnAuditExportError for a plain non-audit file is thrown when the file is reached', async () => {
    await expect(collect(Readable.from([Buffer.from('Name,Age\n')]), { fileName: 'report.csv' })).rejects.toBeInstanceOf(NotAnAuditExportError);
  });
});
