import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IP_KINDS, ipKind } from '../../src/enrich';

describe('IP kind: is this client address one to pivot on?', () => {
  test('the kinds are the API names (API-next: enum IpKind)', () => {
    expect(IP_KINDS).toEqual(['PUBLIC', 'PRIVATE', 'LOOPBACK', 'LINK_LOCAL', 'UNSPECIFIED', 'MICROSOFT', 'NOT_AN_IP']);
  });

  test.each([
    // [canonical address as the importer stores it, kind]
    ['68.160.247.154', 'PUBLIC'],
    ['8.8.8.8', 'PUBLIC'],
    ['2a00:1450:4001:82b::200e', 'PUBLIC'],
    ['192.0.2.10', 'PUBLIC'], // documentation ranges are what test data and redacted exports use as clients
    ['198.51.100.23', 'PUBLIC'],
    ['203.0.113.77', 'PUBLIC'],
    ['2001:db8:85a3::8a2e:370:7334', 'PUBLIC'],
    ['10.0.0.1', 'PRIVATE'],
    ['172.16.0.1', 'PRIVATE'],
    ['172.31.255.255', 'PRIVATE'],
    ['172.32.0.1', 'PUBLIC'], // just past 172.16.0.0/12
    ['192.168.1.20', 'PRIVATE'],
    ['100.64.0.1', 'PRIVATE'], // carrier-grade NAT
    ['100.127.255.255', 'PRIVATE'],
    ['100.128.0.1', 'PUBLIC'],
    ['198.18.0.1', 'PRIVATE'], // benchmarking
    ['224.0.0.251', 'PRIVATE'], // multicast is no client
    ['255.255.255.255', 'PRIVATE'],
    ['fd12:3456:789a::1', 'PRIVATE'], // ULA
    ['fc00::1', 'PRIVATE'],
    ['ff02::1', 'PRIVATE'],
    ['127.0.0.1', 'LOOPBACK'],
    ['127.255.255.254', 'LOOPBACK'],
    ['::1', 'LOOPBACK'],
    ['169.254.10.20', 'LINK_LOCAL'],
    ['fe80::1', 'LINK_LOCAL'],
    ['febf:ffff::1', 'LINK_LOCAL'],
    ['0.0.0.0', 'UNSPECIFIED'],
    ['::', 'UNSPECIFIED'],
    ['0.1.2.3', 'PRIVATE'], // "this network"
  ])('%s is %s', (address, kind) => {
    expect(ipKind(address)).toBe(kind);
  });

  test.each([
    // Exchange Online back end: REST/Graph reads arrive from these, not from the client
    ['2603:10b6:930:3d::7', 'MICROSOFT'],
    ['2603:10b6::', 'MICROSOFT'],
    ['2603:10b6:ffff:ffff:ffff:ffff:ffff:ffff', 'MICROSOFT'],
    ['2603:10b7::1', 'PUBLIC'], // outside 2603:10b6::/32
    ['2603:10b5:ffff:ffff:ffff:ffff:ffff:ffff', 'PUBLIC'],
    ['2603:10a6:20b:1::4', 'MICROSOFT'],
    ['2603:1036:301:2043::5', 'MICROSOFT'], // published 2603:1036::/36
    ['2a01:111:f400:7e1b::10', 'MICROSOFT'], // published 2a01:111:f400::/48
    ['2620:1ec:4::152', 'MICROSOFT'], // published /128
    ['2620:1ec:4::154', 'PUBLIC'],
    ['40.96.0.0', 'MICROSOFT'], // published 40.96.0.0/13
    ['40.103.255.255', 'MICROSOFT'],
    ['40.95.255.255', 'PUBLIC'],
    ['52.97.146.5', 'MICROSOFT'], // 52.96.0.0/14
    ['52.100.1.1', 'MICROSOFT'], // 52.100.0.0/14
    ['52.104.0.1', 'PUBLIC'],
    ['13.107.6.152', 'MICROSOFT'], // 13.107.6.152/31
    ['13.107.6.153', 'MICROSOFT'],
    ['13.107.6.154', 'PUBLIC'],
    ['20.190.128.1', 'PUBLIC'], // Entra ID sign-in, not Exchange: a client could never come from it, nor is it skipped
  ])('%s is %s', (address, kind) => {
    expect(ipKind(address)).toBe(kind);
  });

  test('every shipped Microsoft range classifies its first and last address as MICROSOFT', () => {
    const file = JSON.parse(readFileSync(join(__dirname, '../../data/enrichment/microsoft-ranges.json'), 'utf8'));
    const cidrs: string[] = [...file.published.cidrs, ...file.backEnd.cidrs.map((c: { cidr: string }) => c.cidr)];
    expect(cidrs).toEqual(expect.arrayContaining(['2603:10b6::/32', '2603:10a6::/32', '40.96.0.0/13']));
    for (const cidr of cidrs.filter((c) => c.includes('.'))) {
      const [base, bits] = cidr.split('/') as [string, string];
      const n = base.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
      const last = n + 2 ** (32 - Number(bits)) - 1;
      const text = (v: number) => [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join('.');
      expect([cidr, ipKind(text(n)), ipKind(text(last))]).toEqual([cidr, 'MICROSOFT', 'MICROSOFT']);
    }
    for (const cidr of cidrs.filter((c) => c.includes(':'))) {
      expect([cidr, ipKind(cidr.split('/')[0]!)]).toEqual([cidr, 'MICROSOFT']);
    }
  });

  test.each([
    ['localhost'],
    ['fe80::1%eth0'], // zone id: not a client address, kept verbatim by the caller
    ['mail.contoso.com'],
    [''],
    ['not an ip'],
    ['256.1.1.1'],
    ['1.2.3'],
    ['2001:db8::1::2'],
  ])('%p is NOT_AN_IP', (text) => {
    expect(ipKind(text)).toBe('NOT_AN_IP');
  });

  test('hostile text of any length is NOT_AN_IP', () => {
    expect(ipKind('1'.repeat(100000))).toBe('NOT_AN_IP');
    expect(ipKind(':'.repeat(100000))).toBe('NOT_AN_IP');
    expect(ipKind(undefined as unknown as string)).toBe('NOT_AN_IP');
  });

  test('non-canonical spellings of an address get the same kind as the canonical one', () => {
    expect(ipKind('2603:10B6:930:3D::7')).toBe('MICROSOFT');
    expect(ipKind('[2603:10b6:930:3d::7]:443')).toBe('MICROSOFT');
    expect(ipKind('::ffff:10.0.0.1')).toBe('PRIVATE'); // IPv4-mapped is the IPv4 client
    expect(ipKind('::ffff:40.96.1.1')).toBe('MICROSOFT');
    expect(ipKind('127.0.0.1:8080')).toBe('LOOPBACK');
  });
});
