import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCidr } from '../../src/enrich/ip-number';

const DIR = join(__dirname, '../../data/enrichment');
const read = (name: string) => readFileSync(join(DIR, name));

interface Manifest {
  sources: Record<string, { name: string; url: string; licence: string; version: string; files: { file: string; sha256: string }[] }>;
}

describe('the shipped enrichment data says where it came from', () => {
  const manifest = JSON.parse(read('manifest.json').toString('utf8')) as Manifest;
  const sourcesMd = read('SOURCES.md').toString('utf8');
  const files = Object.values(manifest.sources).flatMap((s) => s.files);

  test('every source has a name, URL, licence and version', () => {
    expect(Object.keys(manifest.sources).sort()).toEqual(['ipAsn', 'ipCountry', 'microsoftApps', 'microsoftRanges']);
    for (const source of Object.values(manifest.sources)) {
      expect(source).toEqual({
        name: expect.stringMatching(/\S/),
        url: expect.stringMatching(/^https:\/\//),
        licence: expect.stringMatching(/\S/),
        version: expect.stringMatching(/\S/),
        files: expect.any(Array),
      });
    }
  });

  test.each(['ip-country.bin.br', 'ip-asn.bin.br', 'MicrosoftApps.csv', 'microsoft-ranges.json'])(
    '%s is the file manifest.json and SOURCES.md describe (sha256)',
    (name) => {
      const entry = files.find((f) => f.file === name);
      const actual = createHash('sha256').update(read(name)).digest('hex');
      expect(entry?.sha256).toBe(actual);
      expect(sourcesMd).toContain(`\`${name}\` | \`${actual}\``);
    },
  );

  test('licence texts ship beside the data, and the repo addition stays small', () => {
    for (const licence of ['LICENSE-microsoft-info.txt', 'LICENSE-asn.txt', 'LICENSE-geo-whois-asn-country.txt']) {
      expect(read(licence).toString('utf8')).toMatch(/licen[cs]e/i);
    }
    expect(read('LICENSE-asn.txt').toString('utf8')).toMatch(/DB-IP/);
    const total = files.reduce((n, f) => n + statSync(join(DIR, f.file)).size, 0);
    expect(total).toBeLessThan(5 * 1024 * 1024);
  });

  test('every Microsoft range is a valid CIDR, and every curated one says why it is there', () => {
    const ranges = JSON.parse(read('microsoft-ranges.json').toString('utf8'));
    expect(ranges.published.cidrs.length).toBeGreaterThan(10);
    for (const cidr of ranges.published.cidrs) expect(() => parseCidr(cidr)).not.toThrow();
    for (const entry of ranges.backEnd.cidrs) {
      expect(() => parseCidr(entry.cidr)).not.toThrow();
      expect(entry.why).toMatch(/\S/);
    }
  });
});
