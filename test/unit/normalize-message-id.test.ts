import crypto from 'node:crypto';
import { canonicalMessageId, exchangeOnlineParts, exchangeOnlineSpelling, messageKey, messageKeyHash } from '../../src/import/normalize';

describe('InternetMessageId: is this the same message as in the other record? (quirk 23)', () => {
  test.each([
    // [as written, canonical, original kept?]
    ['<ceafc3fa@az.westcentralus.production.microsoft.com>', '<ceafc3fa@az.westcentralus.production.microsoft.com>', null],
    [
      '71ceaeec-1@DB5EUR01BG102.eop-EUR01.prod.protection.outlook.com',
      '<71ceaeec-1@DB5EUR01BG102.eop-EUR01.prod.protection.outlook.com>',
      '71ceaeec-1@DB5EUR01BG102.eop-EUR01.prod.protection.outlook.com',
    ],
    ['  <a@b.c>  ', '<a@b.c>', '  <a@b.c>  '],
    ['<<a@b.c>>', '<a@b.c>', '<<a@b.c>>'],
    ['<a@b.c', '<a@b.c>', '<a@b.c'],
    ['a@b.c>', '<a@b.c>', 'a@b.c>'],
    ['<1.prod.linkedin.com>', '<1.prod.linkedin.com>', null], // anonymised value still an id
    ['<SN2PR00MB0157@SN2PR00MB0157.NAMPRD00.prod.outlook.com>', '<SN2PR00MB0157@SN2PR00MB0157.NAMPRD00.prod.outlook.com>', null],
  ])('%p -> %p', (input, canonical, original) => {
    expect(canonicalMessageId(input)).toEqual({ canonical, original });
  });

  test('case is never changed (the local part is case-sensitive)', () => {
    expect(canonicalMessageId('AbC@Example.COM')!.canonical).toBe('<AbC@Example.COM>');
  });

  test.each(['', '   ', '<>', '<<>>', ' < > '])('%p is no id at all', (input) => {
    expect(canonicalMessageId(input)).toBeNull();
  });
});

describe('messageKey: one message whatever the case of its domain (RFC 5322)', () => {
  test.each([
    ['<a@HOST.Example.com>', '<a@host.example.com>'],
    ['<A@host.example.com>', '<A@host.example.com>'], // the local part is case-sensitive
    ['<"x@y"@MAIL.Example>', '<"x@y"@mail.example>'], // the domain follows the last @
    ['<1.prod.linkedin.com>', '<1.prod.linkedin.com>'],
    ['<a@DÉJÀ.Example>', '<a@dÉjÀ.example>'], // ASCII only, as the migration's SQL does
  ])('%p -> %p', (canonical, key) => {
    expect(messageKey(canonical)).toBe(key);
  });
});

test('messageKeyHash: the first 16 bytes of the SHA-256 of the key, so spellings of one message share it', () => {
  expect(messageKeyHash('<a@HOST.example.com>')).toBe(messageKeyHash('<a@host.EXAMPLE.com>'));
  expect(messageKeyHash('<A@host.example.com>')).not.toBe(messageKeyHash('<a@host.example.com>'));
  expect(messageKeyHash('<a@b>')).toMatch(/^[0-9a-f]{32}$/);
  expect(messageKeyHash('<a@b>')).toBe(crypto.createHash('sha256').update('<a@b>').digest('hex').slice(0, 32));
});

describe('an Exchange Online InternetMessageId is stored as its parts only where they give it back exactly', () => {
  test.each([
    ['<SN2PR00MB01571C097EE2C3C01A5F3469B58E0@SN2PR00MB0157.namprd00.prod.outlook.com>', { server: 'SN2PR00MB0157', hex: '1C097EE2C3C01A5F3469B58E0', region: 'namprd00' }],
    ['<DM6PR11MB409198D35E3C888E12AC00001FD1@DM6PR11MB4091.namprd04.prod.outlook.com>', { server: 'DM6PR11MB4091', hex: '98D35E3C888E12AC00001FD1', region: 'namprd04' }],
  ])('%s', (spelling, parts) => {
    expect(exchangeOnlineParts(spelling)).toEqual(parts);
    expect(exchangeOnlineSpelling(parts)).toBe(spelling);
  });

  test.each([
    ['lower-case hex', '<SN2PR00MB01571c097ee2@SN2PR00MB0157.namprd00.prod.outlook.com>'],
    ['no hex after the server', '<SN2PR00MB0157@SN2PR00MB0157.namprd00.prod.outlook.com>'],
    ['another server in the local part', '<SN2PR00MB01581C097EE2@SN2PR00MB0157.namprd00.prod.outlook.com>'],
    ['the domain in upper case', '<SN2PR00MB01571C097EE2@SN2PR00MB0157.NAMPRD00.PROD.OUTLOOK.COM>'],
    ['another domain', '<SN2PR00MB01571C097EE2@SN2PR00MB0157.eurprd00.prod.outlook.de>'],
    ['two @', '<SN2PR00MB0157@1C@SN2PR00MB0157.namprd00.prod.outlook.com>'],
    ['without brackets', 'SN2PR00MB01571C097EE2@SN2PR00MB0157.namprd00.prod.outlook.com'],
    ['a GUID', '<5c06433f-d7f6-48c7-8752-72f5cf93011c@az.westus.production.microsoft.com>'],
  ])('%s stays text', (_why, spelling) => {
    expect(exchangeOnlineParts(spelling)).toBeNull();
  });
});
