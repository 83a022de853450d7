import crypto from 'node:crypto';
import { canonicalMessageId, messageKey, messageKeyHash } from '../../src/import/normalize';

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
