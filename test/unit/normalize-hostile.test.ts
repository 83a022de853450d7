import fc from 'fast-check';
import { NormalizationError, normalizeRecord } from '../../src/import/normalize';
import type { SourceRecord, WrapperFields } from '../../src/import/types';

/** A compact MailItemsAccessed Bind record (FORMATS 0.5) to break field by field. */
function bindRecord(): Record<string, unknown> {
  return {
    CreationTime: '2022-10-25T18:23:04',
    Id: 'daf566de-6581-486c-b9f7-f8df1d07457f',
    Operation: 'MailItemsAccessed',
    RecordType: 50,
    Workload: 'Exchange',
    UserId: 'nelson@o365.devcooks.com',
    ClientIPAddress: '68.160.247.154',
    MailboxOwnerUPN: 'nelson@o365.devcooks.com',
    OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }],
    SessionId: 'e01c84f0-8db1-439e-87bc-5ee52fdf90d4',
    Folders: [{ Id: 'F1', Path: '\\Inbox', FolderItems: [{ InternetMessageId: '<a@b>' }] }],
    OperationCount: 1,
  };
}

function source(auditData: Record<string, unknown>, wrapper: WrapperFields = {}, flat = false): SourceRecord {
  return { line: 2, auditData, rawJson: '', wrapper, ...(flat ? { flat } : {}) };
}

/** Only NormalizationError may escape, whatever the reader hands over. */
function outcome(src: unknown): 'ok' | 'rejected' {
  try {
    normalizeRecord(src as SourceRecord);
    return 'ok';
  } catch (e) {
    if (e instanceof NormalizationError && typeof e.reason === 'string' && e.reason.length > 0) return 'rejected';
    throw e;
  }
}

const nasty = [
  null,
  undefined,
  [],
  [{}],
  {},
  '',
  'System.Object[]',
  Number.NaN,
  Infinity,
  -1,
  1e308,
  true,
  12345678901234567890n,
  { Id: {}, Path: [], FolderItems: 'x' },
];

describe('hostile input never crashes the import', () => {
  const fields = ['Id', 'CreationTime', 'Operation', 'RecordType', 'UserId', 'MailboxOwnerUPN', 'MailboxGuid', 'OrganizationId', 'SessionId',
    'AppAccessContext', 'ClientIPAddress', 'ClientIP', 'ClientInfoString', 'AppId', 'ClientAppId', 'LogonType', 'OperationCount',
    'OperationProperties', 'Folders', 'Item', 'Workload', 'AggregatedRecordFoldersData', 'LastAccessed'];

  test.each(fields)('any odd value in %s', (name) => {
    for (const value of nasty) {
      expect(['ok', 'rejected']).toContain(outcome(source({ ...bindRecord(), [name]: value } as Record<string, unknown>)));
      expect(['ok', 'rejected']).toContain(outcome(source({ ...bindRecord(), [name]: value } as Record<string, unknown>, {}, true)));
    }
  });

  test.each([
    ['not an object', 'hello'],
    ['null', null],
    ['auditData is an array', { line: 1, auditData: [], rawJson: '[]', wrapper: {} }],
    ['auditData is a string', { line: 1, auditData: '{"a":1}', rawJson: '', wrapper: {} }],
    ['wrapper is an array', { line: 1, auditData: bindRecord(), rawJson: '', wrapper: [] }],
    ['wrapper fields of wrong types', { line: 1, auditData: { Id: 'ANONYMIZED' }, rawJson: '', wrapper: { creationDate: 5, operation: {}, recordType: [] } }],
  ])('%s', (_label, src) => {
    expect(['ok', 'rejected']).toContain(outcome(src));
  });

  test('a throwing getter becomes a NormalizationError', () => {
    const ad = bindRecord();
    Object.defineProperty(ad, 'SessionId', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(() => normalizeRecord(source(ad))).toThrow(NormalizationError);
  });

  test('deeply nested or circular AuditData without an id is rejected, not a stack overflow', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) deep = { x: deep };
    expect(outcome(source({ Operation: 'X', CreationTime: '2024-01-01T00:00:00', deep }))).toBe('rejected');
    const circular: Record<string, unknown> = { Operation: 'X', CreationTime: '2024-01-01T00:00:00' };
    circular.self = circular;
    expect(outcome(source(circular))).toBe('rejected');
  });

  test('random JSON values anywhere (property test)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...fields, 'FolderItems', 'ParentFolder'), fc.jsonValue({ maxDepth: 4 })),
        fc.record({ id: fc.anything(), creationDate: fc.anything(), recordType: fc.anything(), operation: fc.anything(), clientIp: fc.anything() }, { requiredKeys: [] }),
        fc.boolean(),
        (ad, wrapper, flat) => {
          outcome({ line: 1, auditData: ad, rawJson: '', wrapper, flat });
        },
      ),
      { numRuns: 500 },
    );
  });

  test('random strings through every string-typed field (property test)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.string({ unit: 'binary', maxLength: 80 }), (name, value) => {
        outcome(source({ ...bindRecord(), [name]: value }));
      }),
      { numRuns: 1000 },
    );
  });
});
