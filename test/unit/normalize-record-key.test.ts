import { canonicalJson, recordKey, storedRecordKey, storedRecordKeys } from '../../src/import/normalize';

const GUID = 'daf566de-6581-486c-b9f7-f8df1d07457f';
const IDENTITY = 'AAMkADBjNGFlNTM4LWFmZjQtNDhiZS1hNzY0LTZkNzk0ZmUzMmQ4YgBGAAAAAAB';

describe('record key: is this the same record I already imported? (quirks 13-14)', () => {
  test.each([
    ['AuditData.Id', { Id: GUID }, undefined, GUID],
    ['AuditData.Id in upper case', { Id: GUID.toUpperCase() }, undefined, GUID],
    ['AuditData.Id wins over the wrapper', { Id: GUID }, '8b236c9f-f890-4078-97e1-5e8d8abe4680', GUID],
    ['wrapper RecordId/Identity when AuditData has none', {}, '8B236C9F-F890-4078-97E1-5E8D8ABE4680', '8b236c9f-f890-4078-97e1-5e8d8abe4680'],
    ['wrapper id when AuditData.Id is anonymised', { Id: 'ANONYMIZED' }, GUID, GUID],
    ['mailbox-audit Identity as is', {}, IDENTITY, IDENTITY],
  ])('%s', (_label, auditData, wrapperId, key) => {
    expect(recordKey(auditData, wrapperId)).toBe(key);
  });

  test('a flat row falls back to its own Identity column', () => {
    expect(recordKey({ Identity: IDENTITY }, undefined, true)).toBe(IDENTITY);
  });

  test.each([['ANONYMIZED'], ['[REDACTED_ID]'], ['0'], [''], ['   '], ['00000000-0000-0000-0000-000000000000'], ['0000000000000000000'],
    ['REDACTEDREDACTEDREDACTED'], [12345], [null]])(
    'anonymised id %p gives a content hash',
    (id) => {
      const key = recordKey({ Id: id, Operation: 'MailItemsAccessed' });
      expect(key).toMatch(/^sha256:[0-9a-f]{64}$/);
    },
  );

  test('the same content gives the same key whatever the key order', () => {
    const a = { Id: 'ANONYMIZED', Operation: 'Send', Item: { Subject: 's', Id: 'x' }, List: [1, { b: 2, a: 1 }] };
    const b = { List: [1, { a: 1, b: 2 }], Item: { Id: 'x', Subject: 's' }, Operation: 'Send', Id: 'ANONYMIZED' };
    expect(recordKey(a)).toBe(recordKey(b));
    expect(recordKey(a)).not.toBe(recordKey({ ...a, Operation: 'Create' }));
  });

  test('array order is content (it is not sorted)', () => {
    expect(canonicalJson({ a: [2, 1] })).not.toBe(canonicalJson({ a: [1, 2] }));
    expect(canonicalJson({ b: 1, a: [true, null, 's'] })).toBe('{"a":[true,null,"s"],"b":1}');
  });

  test("Graph's @odata.type inside auditData does not change the content key (same record, any export)", () => {
    const record = { Id: 'ANONYMIZED', Operation: 'Update', UserId: 'dave@contoso.com' };
    expect(recordKey({ '@odata.type': '#microsoft.graph.security.exchangeMailboxAuditRecord', ...record })).toBe(recordKey(record));
  });
});

describe('how a key is stored: a lower-case GUID as a uuid, anything else as text', () => {
  test.each([
    [GUID, { uuid: GUID, text: null }],
    [GUID.toUpperCase(), { uuid: null, text: GUID.toUpperCase() }], // recordKey lower-cases GUIDs; a uuid would not print this back
    [`{${GUID}}`, { uuid: null, text: `{${GUID}}` }],
    [GUID.replace(/-/g, ''), { uuid: null, text: GUID.replace(/-/g, '') }],
    [IDENTITY, { uuid: null, text: IDENTITY }],
    [`sha256:${'a'.repeat(64)}`, { uuid: null, text: `sha256:${'a'.repeat(64)}` }],
    [`${GUID}#${'b'.repeat(64)}`, { uuid: null, text: `${GUID}#${'b'.repeat(64)}` }],
  ])('%s', (key, stored) => {
    expect(storedRecordKey(key)).toEqual(stored);
  });

  test('a lookup asks each index for its own keys', () => {
    expect(storedRecordKeys([GUID, IDENTITY, GUID.toUpperCase()])).toEqual({ uuids: [GUID], texts: [IDENTITY, GUID.toUpperCase()] });
  });
});
