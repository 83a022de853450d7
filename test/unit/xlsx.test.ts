/** The XLSX writer's cell rules: hostile text stays text, nothing XML cannot carry slips through, long cells are marked. */
import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import { cellText, MAX_CELL_CHARS, writeXlsx, xmlText } from '../../src/export/xlsx';

test('markup and characters XML 1.0 cannot carry are escaped or shown as U+FFFD', () => {
  expect(xmlText('<script>&"x"</script>')).toBe('&lt;script&gt;&amp;&quot;x&quot;&lt;/script&gt;');
  expect(xmlText('a\u0000b\u001Fc\tline\nnext')).toBe('a\uFFFDb\uFFFDc\tline\nnext');
  expect(xmlText('lone \uD800 surrogate, pair \uD83D\uDE00 kept')).toBe('lone \uFFFD surrogate, pair \uD83D\uDE00 kept');
});

test('a cell over Excel\'s limit is cut to the limit with a visible marker', () => {
  expect(cellText('short')).toBe('short');
  const cut = cellText('x'.repeat(MAX_CELL_CHARS + 10));
  expect(cut).toHaveLength(MAX_CELL_CHARS);
  expect(cut).toMatch(/truncated/);
});

test('the zip holds the parts, a sheet whose rows are the input, and CRCs that match', async () => {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const header = Array.from({ length: 28 }, (_, i) => `c${i}`);
  const rows = await writeXlsx(out, 'S', header, async (emit) => {
    await emit([['=1+1', '<b>', 'ü']]);
    await emit([['second']]);
  });
  expect(rows).toBe(2);
  const zip = Buffer.concat(chunks);
  // Walk the local headers: each entry's data descriptor CRC must equal the CRC of its inflated bytes.
  const names: string[] = [];
  let sheet = '';
  for (let at = 0; zip.readUInt32LE(at) === 0x04034b50; ) {
    const nameLength = zip.readUInt16LE(at + 26);
    const name = zip.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength;
    const end = zip.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]), start);
    const data = zlib.inflateRawSync(zip.subarray(start, end));
    expect(zip.readUInt32LE(end + 4)).toBe(zlib.crc32(data));
    expect(zip.readUInt32LE(end + 12)).toBe(data.length);
    names.push(name);
    if (name === 'xl/worksheets/sheet1.xml') sheet = data.toString('utf8');
    at = end + 16;
  }
  expect(names).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']);
  expect(sheet).toContain('<c r="AB1" t="inlineStr" s="1"><is><t xml:space="preserve">c27</t></is></c>');
  expect(sheet).toContain('<c r="A2" t="inlineStr"><is><t xml:space="preserve">=1+1</t></is></c><c r="B2" t="inlineStr"><is><t xml:space="preserve">&lt;b&gt;</t></is></c>');
  expect(sheet).toContain('<row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve">second</t></is></c></row>');
  expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50);
  expect(zip.readUInt16LE(zip.length - 22 + 10)).toBe(6);
});
