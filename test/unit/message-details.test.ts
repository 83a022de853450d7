/** Message-detail formats: detection from headers, the row rules (pure), and which source answers a Message field. */
import { formatOfCsvHeader } from '../../src/import/formats';
import { mailboxFolder, normalizeDetail, NormalizationError } from '../../src/import/normalize';
import type { SourceDetail } from '../../src/import/types';
import { summarizeDetails } from '../../src/api/services/message-detail.service';
import { MessageDetailSourceEnum } from '../../src/api/graphql/types/enums';
import type { MessageDetailType } from '../../src/api/graphql/types/message-detail.type';

const header = (line: string) => new Set(line.split(',').map((c) => c.replace(/"/g, '').trim().toLowerCase()));

describe('detection of message-detail exports', () => {
  test.each([
    ['PSComputerName,RunspaceId,PSShowComputerName,Organization,MessageId,Received,SenderAddress,RecipientAddress,Subject,Status,ToIP,FromIP,Size,MessageTraceId,StartDate,EndDate,Index', 'MESSAGE_TRACE_CSV'],
    ['Received,SenderAddress,RecipientAddress,Subject,Status,ToIP,FromIP,Size,MessageId,MessageTraceId', 'MESSAGE_TRACE_V2_CSV'],
    ['date_time_utc,client_ip,client_hostname,server_ip,server_hostname,source_context,connector_id,source,event_id,internal_message_id,message_id,network_message_id,recipient_address,recipient_status,total_bytes,recipient_count,related_recipient_address,reference,message_subject,sender_address,return_path,message_info,directionality,tenant_id,original_client_ip,original_server_ip,custom_data', 'MESSAGE_TRACE_HISTORICAL_CSV'],
    ['origin_timestamp_utc,sender_address,recipient_status,message_subject,total_bytes,message_id,network_message_id,original_client_ip,directionality,connector_id,delivery_priority', 'MESSAGE_TRACE_HISTORICAL_CSV'],
    ['Compound_path,Custodian,Email_date_received,Email_message_ID,Email_recipients,Email_sender,Email_subject,File_class,File_ID,Location_name', 'EDISCOVERY_ITEMS_CSV'],
    ['Location,Location name,Subject or Title,Sender or Created by,Recipients,Received,Internet message ID', 'EDISCOVERY_ITEMS_CSV'],
    // Audit exports stay audit exports.
    ['RecordId,CreationDate,RecordType,Operation,UserId,AuditData', 'PURVIEW_CSV'],
    ['Subject,Received,Size', null],
  ])('%s -> %s', (line, format) => {
    expect(formatOfCsvHeader(header(line))).toBe(format);
  });
});

const row = (d: Partial<SourceDetail>): SourceDetail => ({ line: 2, source: 'MESSAGE_TRACE', recipients: [], distinct: [], rawText: '', ...d });

describe('normalizeDetail', () => {
  test('canonical id, UTC time, recipients from cells and from recipient_status, case-insensitive dedupe', () => {
    const { detail, notes } = normalizeDetail(
      row({
        messageId: 'abc@HOST.example',
        receivedAt: '2025-02-20T08:00:00.0000000Z',
        sender: ' ceo@contoso.com ',
        recipients: ['Alice@contoso.com; bob@contoso.com'],
        recipientStatus: 'alice@contoso.com##Receive, Deliver;dave@contoso.com##Receive, Fail',
        size: '90210',
      }),
    );
    expect(detail).toMatchObject({
      internetMessageId: '<abc@HOST.example>',
      receivedAt: new Date('2025-02-20T08:00:00Z'),
      sender: 'ceo@contoso.com',
      recipients: ['Alice@contoso.com', 'bob@contoso.com', 'dave@contoso.com'],
      sizeInBytes: 90210,
      mailboxUpn: null,
      folderPath: null,
    });
    expect(notes).toEqual([]);
  });

  test('the row key ignores the spelling of the domain, recipient order and case, and differs when content does', () => {
    const a = normalizeDetail(row({ messageId: '<x@HOST.example>', receivedAt: '3/7/2025 9:12:04 AM', recipients: ['a@x.com;B@x.com'] })).detail.rowKey;
    const b = normalizeDetail(row({ messageId: 'x@host.example', receivedAt: '2025-03-07T09:12:04Z', recipients: ['b@x.com', 'A@x.com'] })).detail.rowKey;
    const c = normalizeDetail(row({ messageId: 'x@host.example', receivedAt: '2025-03-07T09:12:04Z', recipients: ['b@x.com'] })).detail.rowKey;
    const d = normalizeDetail(row({ messageId: 'x@host.example', receivedAt: '2025-03-07T09:12:04Z', recipients: ['b@x.com', 'A@x.com'], source: 'EDISCOVERY' })).detail.rowKey;
    expect(a).toBe(b);
    expect(new Set([a, c, d]).size).toBe(3);
  });

  test('what is missing or odd is noted, not refused', () => {
    const { detail, notes } = normalizeDetail(row({ messageId: '<x@y>', receivedAt: '3/7/2025 9:12:04 AM', size: '12 KB' }));
    expect(detail.sizeInBytes).toBeNull();
    expect(notes.map((n) => n.kind)).toEqual([
      'date could be day/month or month/day; read as US month/day',
      'message size is not a whole number of bytes; stored without a size',
    ]);
    expect(normalizeDetail(row({ messageId: '<x@y>', receivedAt: '2025-01-01T00:00:00Z', size: '99999999999' })).detail.sizeInBytes).toBeNull();
    expect(normalizeDetail(row({ messageId: '<x@y>' })).notes.map((n) => n.kind)).toEqual(['message detail without a received time; stored without one']);
  });

  test.each([
    [row({}), 'no message id (MessageId / message_id is empty)'],
    [row({ source: 'EDISCOVERY', itemClass: 'Document' }), 'not an email message (Document): no Email_message_ID'],
    [row({ messageId: '<a b@c>' }), 'message id "<a b@c>" is not an InternetMessageId'],
    [row({ messageId: '<<a@b>x>' }), 'message id "<<a@b>x>" is not an InternetMessageId'],
    [row({ messageId: '<a@b>', receivedAt: '2025-02-30T00:00:00Z' }), 'received time "2025-02-30T00:00:00Z" is not a date'],
  ])('refuses %j', (d, reason) => {
    expect(() => normalizeDetail(d)).toThrow(new NormalizationError(reason));
  });
});

describe('mailboxFolder: mailbox and folder of an eDiscovery item', () => {
  test.each([
    ['alice@contoso.com', 'alice@contoso.com/Inbox/Finance/Payroll March.msg', 'Payroll March', 'alice@contoso.com', '\\Inbox\\Finance'],
    [undefined, 'Alice@Contoso.com\\Inbox\\Q1 board pack', 'Q1 board pack', 'alice@contoso.com', '\\Inbox'],
    ['alice@contoso.com', 'Exchange/alice@contoso.com/Recoverable Items/Deletions/x.eml', null, 'alice@contoso.com', '\\Recoverable Items\\Deletions'],
    ['alice@contoso.com', '\\Boîte de réception', 'Bonjour', 'alice@contoso.com', '\\Boîte de réception'],
    ['alice@contoso.com', 'alice@contoso.com/Top.msg', null, 'alice@contoso.com', null],
    ['Alice Example', 'Inbox/Sub', null, null, '\\Inbox\\Sub'],
    ['alice@contoso.com', undefined, null, 'alice@contoso.com', null],
  ])('%s + %s', (location, compound, subject, mailbox, folder) => {
    expect(mailboxFolder(location, compound, subject)).toEqual({ mailbox, folder });
  });

  test('an item without mailbox or folder is noted', () => {
    const { notes } = normalizeDetail(row({ source: 'EDISCOVERY', messageId: '<a@b>', receivedAt: '2025-01-01T00:00:00Z', folderPath: 'Inbox' }));
    expect(notes.map((n) => n.kind)).toEqual([
      'item names no mailbox and folder (Location_name / Compound_path); stored as a message detail, not as mailbox inventory',
    ]);
  });
});

const detail = (d: Partial<MessageDetailType>): MessageDetailType => ({
  id: '1', batchId: '1', source: MessageDetailSourceEnum.MESSAGE_TRACE, subject: null, sender: null, recipients: [], receivedAt: null,
  sizeInBytes: null, folderPath: null, line: 2, ...d,
});

describe('summarizeDetails: best source first', () => {
  test('eDiscovery answers before message trace; a blank value falls through to the next source', () => {
    const summary = summarizeDetails([
      detail({ source: MessageDetailSourceEnum.MESSAGE_TRACE, subject: 'Invoice', sender: 'billing@x', recipients: ['a@x'] }),
      detail({ source: MessageDetailSourceEnum.MESSAGE_TRACE, subject: 'Invoice', sender: 'billing@x', recipients: ['B@x'] }),
      detail({ source: MessageDetailSourceEnum.EDISCOVERY, subject: 'RE: Invoice', sender: '  ', recipients: [] }),
    ]);
    expect(summary).toEqual({ subject: 'RE: Invoice', sender: 'billing@x', recipients: ['a@x', 'B@x'] });
  });

  test('recipients come from the strongest source that names any, deduplicated case-insensitively', () => {
    expect(
      summarizeDetails([
        detail({ source: MessageDetailSourceEnum.EDISCOVERY, recipients: ['a@x', 'A@X', 'c@x'] }),
        detail({ source: MessageDetailSourceEnum.MESSAGE_TRACE, recipients: ['d@x'] }),
      ]).recipients,
    ).toEqual(['a@x', 'c@x']);
    expect(summarizeDetails([])).toEqual({ subject: null, sender: null, recipients: [] });
  });
});
