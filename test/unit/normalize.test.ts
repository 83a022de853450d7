import { itemKey, messageKey, NormalizationError, normalizeRecord, normalizeRecordWithNotes } from '../../src/import/normalize';
import type { SourceRecord, WrapperFields } from '../../src/import/types';

// Records shaped like the FORMATS.md samples.
function source(auditData: Record<string, unknown>, wrapper: WrapperFields = {}, flat = false): SourceRecord {
  return { line: 2, auditData, rawJson: JSON.stringify(auditData), wrapper, ...(flat ? { flat } : {}) };
}

const INBOX_ID = 'LgAAAAALcWhVmnTeRJS8qp8HxA25AQC/yWJ3KK0XQJ7UyikjUZtEAAAAAAEMAAAB';
const SENT_ID = 'LgAAAAALcWhVmnTeRJS8qp8HxA25AQC/yWJ3KK0XQJ7UyikjUZtEAAAAAAEJAAAB';

/** FORMATS 0.5: a real Bind record spanning two folders. */
function bindRecord(): Record<string, unknown> {
  return {
    CreationTime: '2022-10-25T18:23:04',
    Id: 'daf566de-6581-486c-b9f7-f8df1d07457f',
    Operation: 'MailItemsAccessed',
    OrganizationId: '74D25673-B01C-4211-A7C4-9930610FB7EB',
    RecordType: 50,
    ResultStatus: 'Succeeded',
    UserKey: '10032002359E261F',
    UserType: 0,
    Version: 1,
    Workload: 'Exchange',
    UserId: 'nelson@o365.devcooks.com',
    AppId: '00000002-0000-0ff1-ce00-000000000000',
    ClientIPAddress: '68.160.247.154',
    ClientInfoString: 'Client=OWA;Action=ViaProxy',
    ExternalAccess: false,
    InternalLogonType: 0,
    LogonType: 0,
    MailboxGuid: 'BD6ABED2-5D3B-4206-AADA-31CA71605E63',
    MailboxOwnerUPN: 'Nelson@O365.devcooks.com',
    OperationProperties: [
      { Name: 'MailAccessType', Value: 'Bind' },
      { Name: 'IsThrottled', Value: 'False' },
    ],
    OrganizationName: 'devcooks.onmicrosoft.com',
    OriginatingServer: 'CY5PR05MB9143 (15.20.4200.000)\r\n',
    SessionId: 'e01c84f0-8db1-439e-87bc-5ee52fdf90d4',
    Folders: [
      {
        FolderItems: [
          { InternetMessageId: '<ceafc3fa-fd0a-46ba-9754-e033ee56ce75@az.westcentralus.production.microsoft.com>' },
          { InternetMessageId: '<ae042a57-4cd4-466a-adf0-417549c30a96@az.westeurope.production.microsoft.com>' },
        ],
        Id: INBOX_ID,
        Path: '\\Inbox',
      },
      {
        FolderItems: [
          { InternetMessageId: '<abccdb15-1bd4-476f-88f8-0bde5349cb61@az.westus2.production.microsoft.com>', SizeInBytes: 48213 },
          { InternetMessageId: '<5c06433f-d7f6-48c7-8752-72f5cf93011c@az.westus.production.microsoft.com>', SizeInBytes: '1024' },
        ],
        Id: SENT_ID,
        Path: '\\Sent Items',
      },
    ],
    OperationCount: 8,
  };
}

/** FORMATS 0.6: the reconstructed Sync record (Item.ParentFolder shape). */
function syncRecord(): Record<string, unknown> {
  return {
    CreationTime: '2024-05-18T22:30:06',
    Id: '4c5e0d55-0d9e-4b7e-8d5c-7f0e3a1a2b3c',
    Operation: 'MailItemsAccessed',
    OrganizationId: '74d25673-b01c-4211-a7c4-9930610fb7eb',
    RecordType: 2,
    Workload: 'Exchange',
    ClientIP: '104.238.59.218',
    UserId: 'user@contoso.com',
    AppId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c',
    ClientIPAddress: '104.238.59.218',
    ClientInfoString: 'Client=MSExchangeRPC',
    LogonType: 0,
    MailboxOwnerUPN: 'user@contoso.com',
    OperationProperties: [
      { Name: 'MailAccessType', Value: 'Sync' },
      { Name: 'IsThrottled', Value: 'False' },
    ],
    SessionId: '83cfdb36-f76f-4f64-aafd-8092c3c5c630',
    Item: { Id: 'LgAAAAitem', ParentFolder: { Id: INBOX_ID, Name: 'Inbox', Path: '\\Inbox' } },
  };
}

/** FORMATS d: a Search-MailboxAuditLog -ShowDetails row (flat, every cell is text). */
function flatRow(): Record<string, unknown> {
  return {
    RunspaceId: 'e6fe43db-2e7f-4453-8d9d-cf62401e182f',
    Operation: 'MailItemsAccessed',
    OperationResult: 'Succeeded',
    LogonType: 'Owner',
    ExternalAccess: 'False',
    ClientInfoString: 'Client=OWA;Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; Touch; rv:11.0) like Gecko;',
    ClientIPAddress: '',
    ClientIP: '',
    InternalLogonType: 'Owner',
    MailboxOwnerUPN: 'admin@A830edad9050849405E18123021.onmicrosoft.com',
    OriginatingServer: 'DM5PR00MB0424 (15.20.1539.000)',
    SessionId: '83cfdb36-f76f-4f64-aafd-8092c3c5c630',
    OperationProperties: '{MailAccessType:Bind, IsThrottled:False}',
    AuditOperationsCountInAggregatedRecord: '2',
    AggregatedRecordFoldersData:
      '[{"Id":"LgAAAABLy1EVJMgjR08x3DbRqCQZAQBoehgC2DSJT5aSH/QIKem4AAAAAAEMAAAB","Path":"\\\\Inbox","FolderItems":[' +
      '{"InternetMessageId":"<SN2PR00MB01571C097EE2C3C01A5F3469B58E0@SN2PR00MB0157.namprd00.prod.outlook.com>"},' +
      '{"InternetMessageId":"<SN2PR00MB01577327C464992FC9DCC85EB58E0@SN2PR00MB0157.namprd00.prod.outlook.com>"}]}]',
    ItemInternetMessageId: '',
    AppId: '6f00b664-d723-4414-9aa3-95d45e6a3656',
    ClientAppId: '',
    LastAccessed: '1/4/2019 3:12:45 PM',
    Identity: 'AAMkADBjNGFlNTM4LWFmZjQtNDhiZS1hNzY0LTZkNzk0ZmUzMmQ4YgBGAAAAAAB',
    IsValid: 'True',
    ObjectState: 'New',
  };
}

describe('a real Bind record (FORMATS 0.5): what did the session read?', () => {
  const r = normalizeRecord(source(bindRecord()));

  test('who, when, from where', () => {
    expect(r).toMatchObject({
      recordKey: 'daf566de-6581-486c-b9f7-f8df1d07457f',
      operation: 'MailItemsAccessed',
      recordType: 50,
      userId: 'nelson@o365.devcooks.com',
      mailboxUpn: 'nelson@o365.devcooks.com',
      mailboxGuid: 'bd6abed2-5d3b-4206-aada-31ca71605e63',
      tenantId: '74d25673-b01c-4211-a7c4-9930610fb7eb',
      sessionId: 'e01c84f0-8db1-439e-87bc-5ee52fdf90d4',
      aadSessionId: null,
      clientIp: { address: '68.160.247.154', version: 4 },
      clientIpRaw: '68.160.247.154',
      clientInfoString: 'Client=OWA;Action=ViaProxy',
      appId: '00000002-0000-0ff1-ce00-000000000000',
      clientAppId: null,
      logonType: 0,
      mailAccessType: 'BIND',
      isThrottled: false,
      operationCount: 8,
      folderSyncs: [],
    });
    expect(r.creationTime.toISOString()).toBe('2022-10-25T18:23:04.000Z');
  });

  test('one access per message, in both folders (quirk 22), with sizes where given', () => {
    expect(r.messageAccesses.map((a) => [a.folderKey, a.folderPath, a.sizeInBytes])).toEqual([
      [INBOX_ID, '\\Inbox', null],
      [INBOX_ID, '\\Inbox', null],
      [SENT_ID, '\\Sent Items', 48213],
      [SENT_ID, '\\Sent Items', 1024],
    ]);
    expect(r.messageAccesses.every((a) => a.internetMessageIdOriginal === null)).toBe(true);
  });
});

describe('Bind folders and messages', () => {
  const bindWith = (folders: unknown) => normalizeRecord(source({ ...bindRecord(), Folders: folders }));

  test('the same message in two folders is two accesses; a repeat in one folder is one', () => {
    const id = '<m1@contoso.com>';
    const r = bindWith([
      { Id: 'F1', Path: '\\Inbox', FolderItems: [{ InternetMessageId: id }, { InternetMessageId: 'm1@contoso.com' }] },
      { Id: 'F2', Path: '\\Archive', FolderItems: [{ InternetMessageId: id }] },
    ]);
    expect(r.messageAccesses.map((a) => `${a.folderKey} ${a.internetMessageId}`)).toEqual(['F1 <m1@contoso.com>', 'F2 <m1@contoso.com>']);
  });

  test('an id written without brackets is canonicalised and the original kept (quirk 23)', () => {
    const raw = '71ceaeec-1@DB5EUR01BG102.eop-EUR01.prod.protection.outlook.com';
    const [a] = bindWith([{ Id: 'F1', Path: '\\Inbox', FolderItems: [{ InternetMessageId: raw }] }]).messageAccesses;
    expect(a).toMatchObject({ internetMessageId: `<${raw}>`, internetMessageIdOriginal: raw });
  });

  test.each([
    ['\\Boîte de réception', '\\Boîte de réception'],
    ['Boite de reception', 'Boite de reception'],
    ['\\Brouillons', '\\Brouillons'],
    ['\\Recoverable Items\\Deletions', '\\Recoverable Items\\Deletions'],
  ])('a localised or unrooted path %p is kept as given (quirk 24)', (path, expected) => {
    const [a] = bindWith([{ Id: 'F1', Path: path, FolderItems: [{ InternetMessageId: '<x@y>' }] }]).messageAccesses;
    expect(a!.folderPath).toBe(expected);
    expect(a!.folderKey).toBe('F1');
  });

  test('a folder without Id is keyed by its path; without either, by an empty path', () => {
    const r = bindWith([
      { Path: '\\Inbox', FolderItems: [{ InternetMessageId: '<a@b>' }] },
      { FolderItems: [{ InternetMessageId: '<c@d>' }] },
    ]);
    expect(r.messageAccesses.map((a) => [a.folderKey, a.folderPath])).toEqual([
      ['path:\\Inbox', '\\Inbox'],
      ['path:', ''],
    ]);
  });

  test('items without an InternetMessageId (or with garbage) are kept as accesses known by item id, and counted (quirk 25)', () => {
    const { record: r, notes } = normalizeRecordWithNotes(
      source({
        ...bindRecord(),
        Folders: [
          { Id: 'F1', Path: '\\Inbox', FolderItems: [{ Id: 'x', ImmutableId: 'ErrorDuringIdConversion' }, { InternetMessageId: 5 }, null, { InternetMessageId: '<ok@x>', SizeInBytes: -3 }] },
        ],
      }),
    );
    const common = { folderKey: 'F1', folderPath: '\\Inbox', internetMessageIdOriginal: null, sizeInBytes: null, itemTime: null, subject: null, sensitivityLabels: null };
    expect(r.messageAccesses).toEqual([
      // ImmutableId is the literal ErrorDuringIdConversion: the Id names the item.
      { ...common, internetMessageId: null, itemId: 'x', dictionaryKey: itemKey('nelson@o365.devcooks.com', 'x') },
      // No id at all: still one access, keyed to this record and position so it merges with nothing else.
      { ...common, internetMessageId: null, itemId: null, dictionaryKey: itemKey('nelson@o365.devcooks.com', `record:${r.recordKey}\u0001F1\u00011`) },
      { ...common, internetMessageId: '<ok@x>', itemId: null, dictionaryKey: '<ok@x>' },
    ]);
    const note = notes.find((n) => /without an InternetMessageId/.test(n.kind));
    expect(note).toMatchObject({ items: 2 });
    // The null entry is no item at all: not an access, but counted.
    expect(notes.find((n) => /entry that is no item/.test(n.kind))).toMatchObject({ items: 1, text: "1 FolderItems entry of folder '\\Inbox' could not be read as items" });
    expect(note!.text).toBe("an item of folder '\\Inbox' has no InternetMessageId (item x) (+1 more)");
  });

  test('newer FolderItems: per-item time, store id, subject and sensitivity labels are kept', () => {
    const r = normalizeRecord(
      source({
        ...bindRecord(),
        Folders: [
          {
            Id: 'F1',
            Path: '\\Inbox',
            FolderItems: [
              { InternetMessageId: '<a@HOST.example>', Id: 'RgAAAA1', ImmutableId: 'LgAAAI1', CreationTime: '2024-05-18T22:29:41', Subject: 'Q3 wire details', SizeInBytes: 2048, Sensitivity: 'a1b2c3d4-0000-0000-0000-000000000001' },
              { InternetMessageId: '<b@host.example>', Id: 'RgAAAA2', CreationTime: 'yesterday', Sensitivity: ['l1', ' l2 '] },
            ],
          },
        ],
      }),
    );
    expect(r.messageAccesses).toEqual([
      expect.objectContaining({ internetMessageId: '<a@HOST.example>', dictionaryKey: '<a@host.example>', itemId: 'LgAAAI1', itemTime: new Date('2024-05-18T22:29:41Z'), subject: 'Q3 wire details', sizeInBytes: 2048, sensitivityLabels: ['a1b2c3d4-0000-0000-0000-000000000001'] }),
      expect.objectContaining({ internetMessageId: '<b@host.example>', itemId: 'RgAAAA2', itemTime: null, subject: null, sensitivityLabels: ['l1', 'l2'] }),
    ]);
  });

  test('an item repeated in the same folder of one record (domain case aside) is stored once, and counted', () => {
    const { record, notes } = normalizeRecordWithNotes(
      source({ ...bindRecord(), Folders: [{ Id: 'F1', Path: '\\Inbox', FolderItems: [{ InternetMessageId: '<r@HOST.example>' }, { InternetMessageId: 'r@host.example' }] }] }),
    );
    expect(record.messageAccesses.map((a) => a.internetMessageId)).toEqual(['<r@HOST.example>']);
    expect(notes.find((n) => /listed more than once/.test(n.kind))).toMatchObject({ items: 1 });
  });

  test('the same item id in two mailboxes is two dictionary keys; a message id is one key whatever the domain case', () => {
    expect(itemKey('alice@contoso.com', 'LgAAAI1')).not.toBe(itemKey('bob@contoso.com', 'LgAAAI1'));
    expect(messageKey('<a@HOST.example>')).toBe(messageKey('<a@host.example>'));
    expect(messageKey('<A@host.example>')).not.toBe(messageKey('<a@host.example>'));
  });

  test('MailAccessType missing but folders list messages: treated as Bind, and a note says so', () => {
    const { record, notes } = normalizeRecordWithNotes(source({ ...bindRecord(), OperationProperties: [] }));
    expect(record.mailAccessType).toBe('BIND');
    expect(record.isThrottled).toBeNull();
    expect(record.messageAccesses).toHaveLength(4);
    expect(notes.join(' ')).toMatch(/treated as Bind/);
  });

  test('IsThrottled missing is unknown, not false', () => {
    const r = normalizeRecord(source({ ...bindRecord(), OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }] }));
    expect(r.isThrottled).toBeNull();
  });

  test('a throttled record says so: auditing went blind for 24 h (quirk 20)', () => {
    const ops = [{ Name: 'IsThrottled', Value: 'True' }, { Name: 'MailAccessType', Value: 'Bind' }];
    expect(normalizeRecord(source({ ...bindRecord(), OperationProperties: ops })).isThrottled).toBe(true);
  });

  test('Folders as a JSON string (Sentinel) is read like the array', () => {
    const r = normalizeRecord(source({ ...bindRecord(), Folders: JSON.stringify(bindRecord().Folders) }));
    expect(r.messageAccesses).toHaveLength(4);
  });
});

describe('Sync records: which folders were downloaded whole? (quirk 18)', () => {
  test('Item.ParentFolder shape', () => {
    const r = normalizeRecord(source(syncRecord()));
    expect(r).toMatchObject({ mailAccessType: 'SYNC', recordType: 2, isThrottled: false, messageAccesses: [] });
    expect(r.folderSyncs).toEqual([{ folderKey: INBOX_ID, folderPath: '\\Inbox' }]);
    expect(r.clientIpRaw).toBe('104.238.59.218'); // ClientIPAddress preferred over ClientIP
  });

  test('ParentFolder with only a Name (Redmond 2020), spelled Parentfolder', () => {
    const rec = { ...syncRecord(), Item: { Id: 'x', Parentfolder: { Name: 'Inbox' } } };
    expect(normalizeRecord(source(rec)).folderSyncs).toEqual([{ folderKey: 'path:Inbox', folderPath: 'Inbox' }]);
  });

  test('Folders[] without FolderItems (Microsoft-Extractor-Suite shape), several folders', () => {
    const rec = { ...syncRecord(), Item: undefined, Folders: [{ Id: 'F1', Path: '\\Inbox' }, { Id: 'F2', Path: '\\Boîte de réception' }, { Path: '\\Archive' }] };
    expect(normalizeRecord(source(rec)).folderSyncs).toEqual([
      { folderKey: 'F1', folderPath: '\\Inbox' },
      { folderKey: 'F2', folderPath: '\\Boîte de réception' },
      { folderKey: 'path:\\Archive', folderPath: '\\Archive' },
    ]);
  });

  test('both shapes naming the same folder give one sync', () => {
    const rec = { ...syncRecord(), Folders: [{ Id: INBOX_ID, Path: '\\Inbox' }] };
    expect(normalizeRecord(source(rec)).folderSyncs).toHaveLength(1);
  });

  test('a Sync never lists messages even if FolderItems are present', () => {
    const rec = { ...syncRecord(), Folders: [{ Id: 'F9', Path: '\\X', FolderItems: [{ InternetMessageId: '<a@b>' }] }] };
    const r = normalizeRecord(source(rec));
    expect(r.messageAccesses).toEqual([]);
    expect(r.folderSyncs.map((f) => f.folderKey)).toEqual([INBOX_ID]);
  });
});

describe('which time is the truth? (quirks 9-11)', () => {
  test('en-AU wrapper "3/12/2025 7:31:34 AM" with CreationTime 2025-12-03T07:31:34 is 3 December', () => {
    const rec = { ...bindRecord(), CreationTime: '2025-12-03T07:31:34' };
    const r = normalizeRecord(source(rec, { creationDate: '3/12/2025 7:31:34 AM', recordType: 'ExchangeItemAggregated' }));
    expect(r.creationTime.toISOString()).toBe('2025-12-03T07:31:34.000Z');
  });

  test.each([
    ['no CreationTime, ISO wrapper date with trailing space', undefined, '2026-01-24T06:54:24.0000000Z ', '2026-01-24T06:54:24.000Z'],
    ['unparseable CreationTime, US wrapper date', 'garbage', '9/20/2023 4:05:03 AM', '2023-09-20T04:05:03.000Z'],
    ['CloudAppEvents CreationTime with Z', '2024-10-03T11:23:17Z', undefined, '2024-10-03T11:23:17.000Z'],
  ])('%s', (_label, creationTime, creationDate, iso) => {
    const rec = { ...bindRecord(), CreationTime: creationTime };
    expect(normalizeRecord(source(rec, { creationDate })).creationTime.toISOString()).toBe(iso);
  });

  test('an ambiguous wrapper date used as fallback is reported in the notes', () => {
    const { record, notes } = normalizeRecordWithNotes(source({ ...bindRecord(), CreationTime: undefined }, { creationDate: '3/12/2025 7:31:34 AM' }));
    expect(record.creationTime.toISOString()).toBe('2025-03-12T07:31:34.000Z');
    expect(notes.join(' ')).toMatch(/day\/month or month\/day/);
  });

  test.each([
    [undefined, '13/13/2025', "AuditData has no CreationTime and the wrapper date '13/13/2025' is not a date"],
    [undefined, undefined, 'AuditData has no CreationTime and the wrapper date is missing'],
    ['soon', '', "AuditData CreationTime 'soon' is not a date and the wrapper date is missing"],
    [1666722184, 'x', "AuditData CreationTime 1666722184 is not a date and the wrapper date 'x' is not a date"],
  ])('CreationTime %p, wrapper %p -> rejected: %s', (creationTime, creationDate, reason) => {
    const rec = { ...bindRecord(), CreationTime: creationTime };
    expect(() => normalizeRecord(source(rec, { creationDate }))).toThrow(NormalizationError);
    expect(() => normalizeRecord(source(rec, { creationDate }))).toThrow(reason);
  });
});

describe('wrapper fields fill what AuditData lacks', () => {
  test.each([
    ['ExchangeItemAggregated', 50],
    ['exchangeItemAggregated', 50], // Graph camelCase
    ['EXCHANGEADMIN', 1],
    ['ExchangeItemGroup', 3],
    ['SharePointFileOperation', 6],
    ['AzureActiveDirectoryAccountLogon', 9],
    ['ExchangeAggregatedOperation', 19],
    ['exchangeSearch', 101],
    ['50', 50],
    [2, 2],
    ['NotARecordType', null],
    ['-1', null],
    [1e300, null],
  ])('wrapper RecordType %p -> %p', (recordType, expected) => {
    const rec = { ...bindRecord(), RecordType: undefined };
    expect(normalizeRecord(source(rec, { recordType })).recordType).toBe(expected);
  });

  test('AuditData.RecordType as numeric string or name', () => {
    expect(normalizeRecord(source({ ...bindRecord(), RecordType: '50' })).recordType).toBe(50);
    expect(normalizeRecord(source({ ...bindRecord(), RecordType: 'ExchangeItem' })).recordType).toBe(2);
  });

  test('Operation, UserId, ClientIP, OrganizationId and id from a Graph wrapper', () => {
    const rec = { CreationTime: '2024-01-01T00:00:00' };
    const r = normalizeRecord(
      source(rec, {
        id: '40706737-7ECA-F9A1-97A5-DEDD3260E24A',
        operation: 'Send',
        userId: 'Eve@Contoso.com',
        clientIp: '[2001:DB8::5]:443',
        organizationId: 'ABC',
      }),
    );
    expect(r).toMatchObject({
      recordKey: '40706737-7eca-f9a1-97a5-dedd3260e24a',
      operation: 'Send',
      userId: 'Eve@Contoso.com',
      mailboxUpn: 'eve@contoso.com',
      clientIp: { address: '2001:db8::5', version: 6 },
      clientIpRaw: '[2001:DB8::5]:443',
      tenantId: 'abc',
    });
  });

  test('no Operation anywhere is rejected', () => {
    expect(() => normalizeRecord(source({ CreationTime: '2024-01-01T00:00:00', Operation: '  ' }))).toThrow(/no Operation/);
  });
});

describe('other Exchange records investigators correlate', () => {
  test('New-InboxRule: ClientIP with port, no ClientIPAddress, mailbox is the UserId (quirks 27, 32)', () => {
    const r = normalizeRecord(
      source({
        CreationTime: '2023-09-20T04:05:03',
        Id: 'AE5E3C6B-1111-2222-3333-444455556666',
        Operation: 'New-InboxRule',
        RecordType: 1,
        Workload: 'Exchange',
        UserId: 'Claire@Oculus.info',
        ClientIP: '185.73.124.135:19823',
        SessionId: 'S1',
        Parameters: [{ Name: 'Name', Value: '.' }],
      }),
    );
    expect(r).toMatchObject({
      mailboxUpn: 'claire@oculus.info',
      clientIp: { address: '185.73.124.135', version: 4 },
      clientIpRaw: '185.73.124.135:19823',
      mailAccessType: null,
      isThrottled: null,
      messageAccesses: [],
    });
  });

  test.each([
    ['S-1-5-18', 'Exchange', null],
    ['ServicePrincipal_7f0c0e52-0000-0000-0000-000000000000', 'Exchange', null],
    ['admin@contoso.com', 'AzureActiveDirectory', null],
    ['admin@contoso.com', undefined, 'admin@contoso.com'],
  ])('UserId %p on workload %p is mailbox %p (no MailboxOwnerUPN)', (userId, workload, mailboxUpn) => {
    const r = normalizeRecord(source({ CreationTime: '2024-01-01T00:00:00', Operation: 'X', UserId: userId, Workload: workload }));
    expect(r.mailboxUpn).toBe(mailboxUpn);
  });

  test('app access without SessionId carries AADSessionId and ClientAppId in AppAccessContext (quirks 26, 34)', () => {
    const rec = {
      ...bindRecord(),
      SessionId: undefined,
      ClientAppId: '',
      ClientIPAddress: '2603:10b6:930:3d::7',
      ClientInfoString: 'Client=REST;Client=RESTSystem;;',
      AppAccessContext: { AADSessionId: ' 0a1b2c3d-aaaa-bbbb-cccc-000000000001 ', ClientAppId: '13937bba-652e-4c46-b222-3003f4d1ff97', UniqueTokenId: 'tok' },
    };
    expect(normalizeRecord(source(rec))).toMatchObject({
      sessionId: null,
      aadSessionId: '0a1b2c3d-aaaa-bbbb-cccc-000000000001',
      clientAppId: '13937bba-652e-4c46-b222-3003f4d1ff97',
      clientIp: { address: '2603:10b6:930:3d::7', version: 6 },
    });
  });

  test.each([[''], ['   '], [null], [42]])('SessionId %p is no session', (sessionId) => {
    expect(normalizeRecord(source({ ...bindRecord(), SessionId: sessionId })).sessionId).toBeNull();
  });

  test('a ClientIPAddress that is not an IP keeps the raw text and notes it', () => {
    const { record, notes } = normalizeRecordWithNotes(source({ ...bindRecord(), ClientIPAddress: 'localhost' }));
    expect(record.clientIp).toBeNull();
    expect(record.clientIpRaw).toBe('localhost');
    expect(notes.join(' ')).toMatch(/not an IP/);
  });

  test.each([
    [0, 0],
    ['2', 2],
    ['Owner', 0],
    ['Admin', 1],
    ['Delegate', 2],
    ['delegated', 2],
    ['constructor', null],
    [1.5, null],
  ])('LogonType %p is %p (quirk 33)', (logonType, expected) => {
    expect(normalizeRecord(source({ ...bindRecord(), LogonType: logonType })).logonType).toBe(expected);
  });

  // An unreadable OperationCount is a missing one: a Bind counts the items it lists instead (noted).
  const listed = (bindRecord().Folders as { FolderItems: unknown[] }[]).reduce((n, f) => n + f.FolderItems.length, 0);
  test.each([[' 12 ', 12], [12.5, listed], ['NaN', listed], [Number.NaN, listed], [9e15, listed]])('OperationCount %p is %p', (count, expected) => {
    expect(normalizeRecord(source({ ...bindRecord(), OperationCount: count })).operationCount).toBe(expected);
  });
});

describe('a wrapper RecordId that differs from AuditData Id', () => {
  test('is noted; the AuditData Id stays the key', () => {
    const { record, notes } = normalizeRecordWithNotes(source(bindRecord(), { id: '11111111-2222-4333-8444-555555555555' }));
    expect(record.recordKey).toBe('daf566de-6581-486c-b9f7-f8df1d07457f');
    expect(notes.map(String)).toEqual(["RecordId '11111111-2222-4333-8444-555555555555', AuditData Id 'daf566de-6581-486c-b9f7-f8df1d07457f'"]);
  });

  test('the same id in another case is no mismatch', () => {
    expect(normalizeRecordWithNotes(source(bindRecord(), { id: 'DAF566DE-6581-486C-B9F7-F8DF1D07457F' })).notes).toEqual([]);
  });
});

describe('Search-MailboxAuditLog flat rows (quirk 36)', () => {
  test('Bind: count, access type, messages from AggregatedRecordFoldersData, time from LastAccessed', () => {
    const r = normalizeRecord(source(flatRow(), {}, true));
    expect(r).toMatchObject({
      recordKey: 'AAMkADBjNGFlNTM4LWFmZjQtNDhiZS1hNzY0LTZkNzk0ZmUzMmQ4YgBGAAAAAAB',
      operation: 'MailItemsAccessed',
      userId: '',
      mailboxUpn: 'admin@a830edad9050849405e18123021.onmicrosoft.com',
      mailAccessType: 'BIND',
      isThrottled: false,
      logonType: 0,
      operationCount: 2,
      clientIp: null,
      clientIpRaw: null,
      clientAppId: null,
    });
    expect(r.creationTime.toISOString()).toBe('2019-01-04T15:12:45.000Z');
    expect(r.messageAccesses.map((a) => [a.folderKey, a.folderPath, a.internetMessageId])).toEqual([
      ['LgAAAABLy1EVJMgjR08x3DbRqCQZAQBoehgC2DSJT5aSH/QIKem4AAAAAAEMAAAB', '\\Inbox', '<SN2PR00MB01571C097EE2C3C01A5F3469B58E0@SN2PR00MB0157.namprd00.prod.outlook.com>'],
      ['LgAAAABLy1EVJMgjR08x3DbRqCQZAQBoehgC2DSJT5aSH/QIKem4AAAAAAEMAAAB', '\\Inbox', '<SN2PR00MB01577327C464992FC9DCC85EB58E0@SN2PR00MB0157.namprd00.prod.outlook.com>'],
    ]);
  });

  test('AggregatedRecordFoldersData cut off mid-way is salvaged: folder Id/Path and the ids that survived', () => {
    const cut = flatRow().AggregatedRecordFoldersData as string;
    const row = { ...flatRow(), AggregatedRecordFoldersData: cut.slice(0, cut.indexOf('},{') + 40) };
    const r = normalizeRecord(source(row, {}, true));
    expect(r.messageAccesses.map((a) => [a.folderPath, a.internetMessageId])).toEqual([
      ['\\Inbox', '<SN2PR00MB01571C097EE2C3C01A5F3469B58E0@SN2PR00MB0157.namprd00.prod.outlook.com>'],
    ]);
    expect(r.messageAccesses[0]!.folderKey).toMatch(/^LgAAAABLy1/);
  });

  test('folder Id after FolderItems (the order of the real records) is still that folder', () => {
    const text = '[{"FolderItems":[{"InternetMessageId":"<a@b>"}],"Id":"FOLDER1","Path":"\\\\Sent Items"},{"FolderItems":[{"InternetMessageId":"<c@d>"}';
    const r = normalizeRecord(source({ ...flatRow(), AggregatedRecordFoldersData: text }, {}, true));
    expect(r.messageAccesses.map((a) => [a.folderKey, a.folderPath, a.internetMessageId])).toEqual([
      ['FOLDER1', '\\Sent Items', '<a@b>'],
      ['path:', '', '<c@d>'],
    ]);
  });

  test('JSON-ish text without quoted keys: the <…> ids are still found', () => {
    const row = { ...flatRow(), AggregatedRecordFoldersData: '{Id=F; FolderItems=<a@b.c> <d@e.f>' };
    const r = normalizeRecord(source(row, {}, true));
    expect(r.messageAccesses.map((a) => a.internetMessageId)).toEqual(['<a@b.c>', '<d@e.f>']);
  });

  test.each([[''], ['[]'], ['nothing useful here'], ['[{"Id":']])('AggregatedRecordFoldersData %p gives no messages', (data) => {
    const r = normalizeRecord(source({ ...flatRow(), AggregatedRecordFoldersData: data }, {}, true));
    expect(r.mailAccessType).toBe('BIND');
    expect(r.messageAccesses).toEqual([]);
  });

  test('flat Sync row: the folder comes from FolderId / FolderPathName', () => {
    const row = { ...flatRow(), OperationProperties: 'MailAccessType:Sync IsThrottled:False', AggregatedRecordFoldersData: '', FolderId: 'F1', FolderPathName: '\\Inbox' };
    expect(normalizeRecord(source(row, {}, true)).folderSyncs).toEqual([{ folderKey: 'F1', folderPath: '\\Inbox' }]);
  });

  test('no LastAccessed and no wrapper date is rejected with both named', () => {
    const row = { ...flatRow(), LastAccessed: '' };
    expect(() => normalizeRecord(source(row, {}, true))).toThrow('AuditData has no CreationTime, LastAccessed is missing and the wrapper date is missing');
  });
});

describe('a lossy ConvertFrom-Json | Export-Csv export (quirk 4)', () => {
  test.each([
    ['Folders', 'System.Object[]'],
    ['OperationProperties', 'System.Object[]'],
    ['OperationProperties', 'System.Collections.Generic.List`1[System.String]'],
  ])('%s = %p is rejected and tells the user to re-export', (name, value) => {
    const rec = { ...bindRecord(), [name]: value };
    let error: unknown;
    try {
      normalizeRecord(source(rec));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NormalizationError);
    expect((error as NormalizationError).reason).toMatch(/flattened nested fields/);
    expect((error as NormalizationError).reason).toMatch(/Re-export with AuditData kept as JSON/);
  });
});
