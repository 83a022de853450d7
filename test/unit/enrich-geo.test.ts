import fc from 'fast-check';
import * as fs from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { brotliCompressSync } from 'node:zlib';
import { join } from 'node:path';
import { encodeRangeTable, type RangeRow } from '../../scripts/range-table-writer.cjs';
import { appDisplayName, enrichIp, ipAsn, ipCountry } from '../../src/enrich';
import { ipWords } from '../../src/enrich/ip-number';
import { RangeTable } from '../../src/enrich/range-table';

describe('where is a client address: country and network from the shipped tables', () => {
  test.each([
    // [address, AS number, organisation, country where stable] — long-stable allocations
    ['8.8.8.8', 15169, 'Google LLC', 'US'],
    ['1.1.1.1', 13335, 'Cloudflare, Inc.', null],
    ['2a00:1450:4001:82b::200e', 15169, 'Google LLC', null],
    ['40.97.1.1', 8075, 'Microsoft Corporation', 'US'],
    ['2001:4860:4860::8888', 15169, 'Google LLC', null],
  ])('%s is announced by AS%i %s', (address, asn, organization, country) => {
    expect(ipAsn(address)).toEqual({ asn, organization });
    expect(ipCountry(address)).toMatch(/^[A-Z]{2}$/);
    if (country) expect(ipCountry(address)).toBe(country);
  });

  test('enrichIp gathers kind, country and network in one answer', () => {
    expect(enrichIp('8.8.8.8')).toEqual({ kind: 'PUBLIC', country: 'US', asn: 15169, asOrganization: 'Google LLC' });
    expect(enrichIp('52.97.146.5')).toEqual({
      kind: 'MICROSOFT',
      country: expect.stringMatching(/^[A-Z]{2}$/),
      asn: 8075,
      asOrganization: 'Microsoft Corporation',
    });
    expect(enrichIp('fe80::1%eth0')).toEqual({ kind: 'NOT_AN_IP', country: null, asn: null, asOrganization: null });
  });

  test.each([
    ['10.0.0.1'],
    ['192.168.1.1'],
    ['127.0.0.1'],
    ['::1'],
    ['fe80::1'],
    ['192.0.2.10'], // documentation: the source data wrongly places parts of these
    ['2001:db8::1'],
    ['localhost'],
    [''],
  ])('%p has no country and no network', (address) => {
    expect(ipCountry(address)).toBeNull();
    expect(ipAsn(address)).toBeNull();
  });
  test('the tables load once: later lookups read no file', () => {
    enrichIp('8.8.8.8');
    appDisplayName('00000003-0000-0000-c000-000000000000');
    const reads = jest.spyOn(fs, 'readFileSync');
    const probes = jest.spyOn(fs, 'existsSync');
    try {
      for (let i = 0; i < 1000; i++) {
        enrichIp(`${(i % 200) + 1}.${i % 256}.1.${i % 7}`);
        enrichIp(`2a00:1450:${i.toString(16)}::1`);
        appDisplayName('d3590ed6-52b3-4102-aeff-aad2292ab01c');
      }
      expect(reads).not.toHaveBeenCalled();
      expect(probes).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
      probes.mockRestore();
    }
  });
});

describe('range tables: the encoding the refresh script writes is the one the product reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtrail-range-table-'));
  const load = (name: string, families: { family: 4 | 6; rows: RangeRow[] }[]) => {
    const file = join(dir, name);
    writeFileSync(file, encodeRangeTable('test', families).compressed);
    return RangeTable.load<string>(file, 'test');
  };
  const v4 = (text: string) => BigInt(ipWords(text)!.words[0]!);
  const v6 = (text: string) => ipWords(text)!.words.reduce((n, w) => (n << 32n) | BigInt(w), 0n);

  test('gaps, nested ranges and the ends of the address space', () => {
    const table = load('nested.br', [
      {
        family: 4,
        rows: [
          { start: v4('1.0.0.0'), end: v4('1.255.255.255'), value: 'AU' },
          { start: v4('1.2.3.0'), end: v4('1.2.3.255'), value: 'JP' }, // more specific, inside
          { start: v4('9.0.0.0'), end: v4('9.0.0.0'), value: 'US' },
          { start: v4('255.255.255.0'), end: v4('255.255.255.255'), value: 'ZZ' },
        ],
      },
      {
        family: 6,
        rows: [
          { start: v6('2001:200::'), end: v6('2001:200:ffff:ffff:ffff:ffff:ffff:ffff'), value: 'JP' },
          { start: v6('2001:200:0:1::'), end: v6('2001:200:0:1:ffff:ffff:ffff:ffff'), value: 'DE' },
          { start: v6('ffff::'), end: v6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), value: 'ZZ' },
        ],
      },
    ]);
    const at = (address: string) => table.lookup(ipWords(address)!);
    expect(['0.255.255.255', '1.0.0.0', '1.2.2.255', '1.2.3.0', '1.2.3.255', '1.2.4.0', '1.255.255.255'].map(at)).toEqual(
      [null, 'AU', 'AU', 'JP', 'JP', 'AU', 'AU'],
    );
    expect(['2.0.0.0', '8.255.255.255', '9.0.0.0', '9.0.0.1', '255.255.254.255', '255.255.255.255'].map(at)).toEqual([
      null,
      null,
      'US',
      null,
      null,
      'ZZ',
    ]);
    expect(['2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff', '2001:200::', '2001:200:0:1::5', '2001:200:0:2::', '::', 'ffff::1'].map(at)).toEqual(
      [null, 'JP', 'DE', 'JP', null, 'ZZ'],
    );
  });

  test('an IPv6 table with boundaries past 2^32 steps adds its stored differences back with carry', () => {
    const rows: RangeRow[] = [];
    for (let i = 0n; i < 50n; i++) {
      const start = (0x2001n << 112n) + i * 0xffff_ffff_ffffn + 7n;
      rows.push({ start, end: start + 0x1_0000_0000n, value: `R${i}` });
    }
    const table = load('carry.br', [{ family: 6, rows }]);
    const words = (n: bigint) => ({ version: 6 as const, words: [3, 2, 1, 0].map((k) => Number((n >> BigInt(32 * k)) & 0xffffffffn)) });
    for (const [i, row] of rows.entries()) {
      const around = [row.start - 1n, row.start, row.end, row.end + 1n].map((n) => table.lookup(words(n)));
      expect(around).toEqual([null, `R${i}`, `R${i}`, null]); // ranges 2^48 apart: gaps between them
    }
  });

  test('any set of ranges: the answer is the containing range that starts last (the most specific)', () => {
    const range = fc
      .tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 300 }), fc.constantFrom('a', 'b', 'c', 'd'))
      .map(([start, length, value]) => ({ start: BigInt(start), end: BigInt(start + length), value }));
    let run = 0;
    fc.assert(
      fc.property(fc.array(range, { maxLength: 25 }), fc.array(fc.integer({ min: 0, max: 2400 }), { minLength: 20, maxLength: 40 }), (rows, probes) => {
        const table = load(`prop-${run++}.br`, [{ family: 4, rows }]);
        for (const probe of probes) {
          const x = BigInt(probe);
          // Reference: among the ranges holding x, the latest start wins; on equal starts the narrower one.
          const holding = rows.filter((r) => r.start <= x && x <= r.end);
          holding.sort((p, q) => (p.start !== q.start ? (p.start > q.start ? -1 : 1) : p.end < q.end ? -1 : p.end > q.end ? 1 : 0));
          const narrowest = holding.filter((r) => r.start === holding[0]?.start && r.end === holding[0]?.end);
          const got = table.lookup({ version: 4, words: [probe] });
          if (narrowest.length <= 1) expect(got).toBe(holding[0]?.value ?? null);
          else expect(narrowest.map((r) => r.value)).toContain(got); // identical ranges: either value is right
        }
      }),
      { numRuns: 150 },
    );
  });

  test('the shipped tables are the size SOURCES.md states, loaded within the memory budget', () => {
    const before = process.memoryUsage().arrayBuffers;
    const country = RangeTable.load<string>(join(__dirname, '../../data/enrichment/ip-country.bin.br'), 'country');
    const asn = RangeTable.load<[number, string]>(join(__dirname, '../../data/enrichment/ip-asn.bin.br'), 'asn');
    expect(country.sizes.ipv4).toBeGreaterThan(100000);
    expect(country.sizes.ipv6).toBeGreaterThan(100000);
    expect(asn.sizes.ipv4).toBeGreaterThan(100000);
    expect(asn.sizes.ipv6).toBeGreaterThan(50000);
    expect(country.sizes.bytes + asn.sizes.bytes).toBeLessThan(40 * 1024 * 1024);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100 * 1024 * 1024);
  });

  test('a file of the wrong kind or not a table at all is refused, not misread', () => {
    expect(() => RangeTable.load(join(__dirname, '../../data/enrichment/ip-asn.bin.br'), 'country')).toThrow(
      /holds asn, expected country/,
    );
    const junk = join(dir, 'junk.br');
    writeFileSync(junk, brotliCompressSync(Buffer.from('not a table at all')));
    expect(() => RangeTable.load(junk, 'country')).toThrow(/not a range table/);
  });
});
