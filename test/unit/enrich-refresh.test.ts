import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipWords } from '../../src/enrich/ip-number';
import { RangeTable } from '../../src/enrich/range-table';

const SCRIPT = join(__dirname, '../../scripts/refresh-enrichment.mjs');
const SHIPPED = join(__dirname, '../../data/enrichment');

/** A miniature of each source, in the shape the real ones have. */
function writeSources(root: string) {
  const num = (address: string) => ipWords(address)!.words.reduce((n, w) => (n << 32n) | BigInt(w), 0n).toString();
  const pkg = (name: string, version: string, files: Record<string, string>) => {
    mkdirSync(join(root, 'ild', name), { recursive: true });
    writeFileSync(join(root, 'ild', name, 'package.json'), JSON.stringify({ name: `@ip-location-db/${name}`, version }));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(root, 'ild', name, file), text);
  };
  pkg('geo-whois-asn-country', '9.9.1', {
    'geo-whois-asn-country-ipv4-num.csv': `${num('1.0.0.0')},${num('1.0.0.255')},AU\n${num('1.0.0.16')},${num('1.0.0.31')},JP\n`,
    'geo-whois-asn-country-ipv6-num.csv': `${num('2001:200::')},${num('2001:200:ffff:ffff:ffff:ffff:ffff:ffff')},JP\n`,
    NRO_LICENSE: 'NRO data licence (CC BY 4.0)',
  });
  pkg('asn', '9.9.2', {
    'asn-ipv4-num.csv': `${num('8.8.8.0')},${num('8.8.8.255')},15169,Google LLC\n${num('1.1.1.0')},${num('1.1.1.255')},13335,"Cloudflare, Inc."\n`,
    'asn-ipv6-num.csv': `${num('2a00:1450::')},${num('2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff')},15169,Google LLC\n`,
    'ROUTEVIEWS-LICENSE': 'RouteViews licence',
    'DBIP-LICENSE': 'DB-IP licence',
    NRO_LICENSE: 'NRO licence',
    MODIFICATIONS: 'merged',
  });
  writeFileSync(
    join(root, 'apps.csv'),
    '"AppId","AppDisplayName","AppOwnerOrganizationId","Source"\n"00000003-0000-0000-c000-000000000000","Microsoft Graph","","Graph"\n',
  );
  writeFileSync(join(root, 'cidrs.txt'), '40.96.0.0/13\n2603:1006::/40\n');
}

describe('refreshing the enrichment data rebuilds every shipped file and its provenance', () => {
  test('from local copies of the sources, into a scratch folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'mailtrail-refresh-'));
    const out = join(root, 'out');
    mkdirSync(out);
    for (const f of ['SOURCES.md', 'microsoft-ranges.json', 'LICENSE-microsoft-info.txt']) copyFileSync(join(SHIPPED, f), join(out, f));
    writeSources(root);

    const log = execFileSync(
      process.execPath,
      [
        SCRIPT,
        ...['--out', out, '--ip-location-db', join(root, 'ild'), '--apps-csv', join(root, 'apps.csv')],
        ...['--apps-version', 'test-apps', '--exchange-cidrs', join(root, 'cidrs.txt'), '--exchange-version', 'test-ex'],
      ],
      { encoding: 'utf8' },
    );
    expect(log).toMatch(/ip-country\.bin\.br: 2 values, ipv4 5 boundaries, ipv6 3 boundaries, 1 rows nested/);

    const country = RangeTable.load<string>(join(out, 'ip-country.bin.br'), 'country');
    const asn = RangeTable.load<[number, string]>(join(out, 'ip-asn.bin.br'), 'asn');
    const at = <V>(table: RangeTable<V>, address: string) => table.lookup(ipWords(address)!);
    expect(['1.0.0.1', '1.0.0.20', '1.0.1.0', '2001:200::1'].map((a) => at(country, a))).toEqual(['AU', 'JP', null, 'JP']);
    expect(at(asn, '1.1.1.1')).toEqual([13335, 'Cloudflare, Inc.']);
    expect(at(asn, '2a00:1450:4001::1')).toEqual([15169, 'Google LLC']);

    const ranges = JSON.parse(readFileSync(join(out, 'microsoft-ranges.json'), 'utf8'));
    expect(ranges.published).toMatchObject({ version: 'test-ex', cidrs: ['40.96.0.0/13', '2603:1006::/40'] });
    expect(ranges.backEnd).toEqual(JSON.parse(readFileSync(join(SHIPPED, 'microsoft-ranges.json'), 'utf8')).backEnd);

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const sources = readFileSync(join(out, 'SOURCES.md'), 'utf8');
    expect(manifest.sources.ipCountry.version).toBe('9.9.1');
    expect(manifest.sources.ipAsn.version).toBe('9.9.2');
    for (const source of Object.values<{ files: { file: string; sha256: string }[] }>(manifest.sources)) {
      for (const { file, sha256 } of source.files) {
        expect(sha256).toBe(createHash('sha256').update(readFileSync(join(out, file))).digest('hex'));
        expect(sources).toContain(sha256);
      }
    }
    expect(sources).toContain('## Refreshing'); // the prose around the table is kept
    expect(readFileSync(join(out, 'LICENSE-asn.txt'), 'utf8')).toMatch(/DB-IP licence/);
  });
});
