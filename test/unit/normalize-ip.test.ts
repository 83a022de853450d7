import { canonicalIp } from '../../src/import/normalize';

describe('client IP: which address did the attacker come from? (quirks 27-29)', () => {
  test.each([
    // [written in the record, canonical address, version]
    ['68.160.247.154', '68.160.247.154', 4],
    ['  68.160.247.154 ', '68.160.247.154', 4],
    ['185.73.124.135:19823', '185.73.124.135', 4], // New-InboxRule ClientIP with port
    ['[1.2.3.4]:5678', '1.2.3.4', 4],
    ['2603:10b6:930:3d::7', '2603:10b6:930:3d::7', 6], // Graph/REST Microsoft-internal
    ['2603:10B6:930:3D::7', '2603:10b6:930:3d::7', 6], // upper-case hex
    ['[2001:db8::1]:443', '2001:db8::1', 6],
    ['[2001:DB8::1]', '2001:db8::1', 6],
    ['::1', '::1', 6],
    ['FE80::', 'fe80::', 6],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1', 6],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1', 6], // tie: leftmost run compressed
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1', 6], // single zero group is not compressed
    ['2001:db8:0:0:0:1:0:0', '2001:db8::1:0:0', 6], // longest run wins
    ['0:0:0:0:0:0:0:0', '::', 6],
    ['::ffff:1.2.3.4', '1.2.3.4', 4], // IPv4-mapped
    ['::FFFF:102:304', '1.2.3.4', 4], // IPv4-mapped, hex form
    ['[::ffff:10.0.0.1]:80', '10.0.0.1', 4],
    ['2001:db8::1:443', '2001:db8::1:443', 6], // bare IPv6 is never split on its last colon
    ['64:ff9b::1.2.3.4', '64:ff9b::102:304', 6], // embedded v4 that is not mapped stays IPv6
  ])('%p is %p (IPv%p)', (raw, address, version) => {
    expect(canonicalIp(raw)).toEqual({ address, version });
  });

  test.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['localhost', 'host name'],
    ['mail.contoso.com', 'host name'],
    ['mail.contoso.com:443', 'host name with port'],
    ['not an ip', 'garbage'],
    ['1.2.3', 'three octets'],
    ['256.1.1.1', 'octet out of range'],
    ['010.1.1.1', 'leading zero (octal?)'],
    ['1.2.3.4:99999', 'port out of range'],
    ['1.2.3.4:', 'dangling colon'],
    ['[2001:db8::1', 'unclosed bracket'],
    ['[2001:db8::1]x', 'junk after bracket'],
    ['2001:db8::1::2', 'two ::'],
    ['fe80::1%eth0', 'zone id'],
    ['<unknown>', 'placeholder'],
  ])('%p is rejected (%s)', (raw) => {
    expect(canonicalIp(raw)).toBeNull();
  });

  test('a non-string never throws', () => {
    expect(canonicalIp(42 as unknown as string)).toBeNull();
    expect(canonicalIp(null as unknown as string)).toBeNull();
  });
});
