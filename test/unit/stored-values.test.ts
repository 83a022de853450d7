/** How audit_record stores AppIds and Operations (migration DenseRecordRows): packed where exact, text otherwise. */
import { OPERATION_CODES, storedGuid, storedOperation } from '../../src/import/normalize';

describe('storedGuid', () => {
  test.each([
    ['00000002-0000-0ff1-ce00-000000000000', { uuid: '00000002-0000-0ff1-ce00-000000000000', text: null }],
    // Anything PostgreSQL would not print back exactly stays text: upper case, braces, not a GUID.
    ['00000002-0000-0FF1-CE00-000000000000', { uuid: null, text: '00000002-0000-0FF1-CE00-000000000000' }],
    ['{00000002-0000-0ff1-ce00-000000000000}', { uuid: null, text: '{00000002-0000-0ff1-ce00-000000000000}' }],
    ['my-app', { uuid: null, text: 'my-app' }],
  ])('%s', (value, stored) => {
    expect(storedGuid(value)).toEqual(stored);
  });

  test('null stays null in both columns', () => {
    expect(storedGuid(null)).toEqual({ uuid: null, text: null });
  });
});

describe('storedOperation', () => {
  test('a listed spelling is its position + 1, and every listed spelling is distinct', () => {
    expect(storedOperation('MailItemsAccessed')).toEqual({ code: 1, text: null });
    expect(storedOperation('New-InboxRule')).toEqual({ code: OPERATION_CODES.indexOf('New-InboxRule') + 1, text: null });
    expect(new Set(OPERATION_CODES).size).toBe(OPERATION_CODES.length);
    // A smallint holds every code.
    expect(OPERATION_CODES.length).toBeLessThan(32767);
  });

  test('another case or an unknown operation is kept as written', () => {
    expect(storedOperation('mailitemsaccessed')).toEqual({ code: null, text: 'mailitemsaccessed' });
    expect(storedOperation('Some-FutureOperation')).toEqual({ code: null, text: 'Some-FutureOperation' });
  });
});
