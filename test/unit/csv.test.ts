/** The CSV of /access-log and the REST mirror: RFC 4180 quoting and the formula-injection guard. */
import { parse } from 'csv-parse/sync';
import { csvField, csvLine } from '../../src/api/http/csv';

describe('csvField / csvLine', () => {
  test('RFC 4180: quoted only when needed, quotes doubled, CRLF line ends', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', null, 3, true])).toBe('plain,"a,b","say ""hi""","two\nlines",,3,true\r\n');
    const text = csvLine(['a,b', 'say "hi"', 'x\r\ny']);
    expect(parse(text)).toEqual([['a,b', 'say "hi"', 'x\r\ny']]);
  });

  test('text a spreadsheet would run as a formula gets a leading apostrophe; numbers do not', () => {
    for (const evil of ['=HYPERLINK("http://x")', '+1+1', '-1+cmd|" /C calc"!A0', '@SUM(A1)', '\t=1', '\r=1']) expect(csvField(evil)).toMatch(/^"?'/);
    expect(csvField(-5)).toBe('-5');
    expect(csvField('alice@contoso.com')).toBe('alice@contoso.com');
    expect(csvField(new Date('2025-03-10T00:00:00Z'))).toBe('2025-03-10T00:00:00.000Z');
    expect(csvField(['a', 'b'])).toBe('"[""a"",""b""]"');
  });
});
