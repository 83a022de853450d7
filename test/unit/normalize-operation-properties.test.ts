import { mailAccessProperties } from '../../src/import/normalize';

describe('OperationProperties: was it a Bind or a Sync, and was auditing throttled? (quirks 19, 30)', () => {
  test.each([
    ['the documented order', [{ Name: 'MailAccessType', Value: 'Bind' }, { Name: 'IsThrottled', Value: 'False' }], 'BIND', false],
    ['reversed order (never index by position)', [{ Name: 'IsThrottled', Value: 'True' }, { Name: 'MailAccessType', Value: 'Bind' }], 'BIND', true],
    ['IsThrottled missing', [{ Name: 'MailAccessType', Value: 'Bind' }], 'BIND', null],
    ['Sync', [{ Name: 'MailAccessType', Value: 'Sync' }, { Name: 'IsThrottled', Value: 'False' }], 'SYNC', false],
    ['real booleans and odd case', [{ Name: 'mailaccesstype', Value: 'SYNC' }, { Name: 'isthrottled', Value: true }], 'SYNC', true],
    ['"TRUE" as text', [{ Name: 'MailAccessType', Value: 'bind' }, { Name: 'IsThrottled', Value: 'TRUE' }], 'BIND', true],
    ['unrelated properties only (UpdateInboxRules)', [{ Name: 'RuleName', Value: 'x' }], null, null],
    ['an unknown access type', [{ Name: 'MailAccessType', Value: 'Peek' }], null, null],
    ['flat Search-MailboxAuditLog text', '{MailAccessType:Bind, IsThrottled:False}', 'BIND', false],
    ['flat text without braces', 'MailAccessType:Sync IsThrottled:True', 'SYNC', true],
    ['the list as JSON text', '[{"Name":"IsThrottled","Value":"True"},{"Name":"MailAccessType","Value":"Bind"}]', 'BIND', true],
    ['a map (Sentinel dynamic column)', { MailAccessType: 'Bind', IsThrottled: 'False' }, 'BIND', false],
    ['missing', undefined, null, null],
    ['garbage types', [null, 3, 'x', { Name: 7, Value: {} }], null, null],
  ])('%s', (_label, operationProperties, mailAccessType, isThrottled) => {
    expect(mailAccessProperties({ OperationProperties: operationProperties })).toEqual({ mailAccessType, isThrottled });
  });

  test('top-level MailAccessType / IsThrottled columns (analyzer CSVs) are a fallback', () => {
    expect(mailAccessProperties({ MailAccessType: 'Sync', IsThrottled: 'False' })).toEqual({ mailAccessType: 'SYNC', isThrottled: false });
  });

  test('non-object input gives nulls', () => {
    expect(mailAccessProperties(null)).toEqual({ mailAccessType: null, isThrottled: null });
    expect(mailAccessProperties([1, 2])).toEqual({ mailAccessType: null, isThrottled: null });
  });
});
