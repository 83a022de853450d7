/**
 * Newer Bind records' per-item details, and nothing lost in silence: each shape of test/fixtures/lossy-shapes.cjs
 * goes through the real importer (a Purview CSV, so the wrapper RecordId is read too) and is asked about through the
 * real server.
 */
import { startTestServer, type TestServer } from '../support/server';
import { lossyShapesPurviewCsv, makeLossyShapes, MISMATCHED_RECORD_ID } from '../fixtures/lossy-shapes.cjs';

const shapes = makeLossyShapes();
const { cases } = shapes;

describe('per-item Bind details and silent-loss shapes, end to end', () => {
  let t: TestServer;
  let batchId: string;
  beforeAll(async () => {
    t = await startTestServer();
    const [batch] = await t.importer.importContent(lossyShapesPurviewCsv(), { orgId: 1, fileName: 'lossy.csv', source: 'cli' });
    if (batch.status !== 'SUCCEEDED') throw new Error(JSON.stringify(batch));
    batchId = batch.id;
  });
  afterAll(async () => t?.close());

  async function ok(query: string, variables: Record<string, unknown> = {}) {
    const { body } = await t.gql(query, variables);
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  test('every record is stored; each lossy shape is counted in ImportBatch.notes with its record ids', async () => {
    const { importBatch } = await ok(
      `query($id: ID!) { importBatch(id: $id) { recordsRead recordsInserted rejected warnings
         notes { code description records items examples { line recordId text } } } }`,
      { id: batchId },
    );
    expect(importBatch).toMatchObject({ recordsRead: 10, recordsInserted: 10, rejected: 0 });
    const byCode = Object.fromEntries(importBatch.notes.map((n: any) => [n.code, n]));
    const recordIds = (code: string) => byCode[code]?.examples.map((e: any) => e.recordId);
    // Items without an InternetMessageId: records 2, 3 and 4 each list one item known only by its ImmutableId.
    expect(byCode.ITEM_WITHOUT_MESSAGE_ID).toMatchObject({ records: 3, items: 3 });
    expect(recordIds('ITEM_WITHOUT_MESSAGE_ID')).toEqual([cases.itemWithoutMessageId, cases.sameItemAgain, cases.otherMailboxSameItemId]);
    expect(byCode.BIND_FOLDERS_WITHOUT_ITEMS).toMatchObject({ records: 1, items: 0 });
    expect(recordIds('BIND_FOLDERS_WITHOUT_ITEMS')).toEqual([cases.bindFoldersWithoutItems]);
    expect(byCode.ITEM_UNREADABLE).toMatchObject({ records: 1, items: 1 });
    expect(recordIds('ITEM_UNREADABLE')).toEqual([cases.bindFoldersWithoutItems]);
    expect(recordIds('SYNC_WITHOUT_FOLDER')).toEqual([cases.syncWithoutFolder]);
    expect(recordIds('ACCESS_TYPE_MISSING')).toEqual([cases.accessTypeMissing]);
    expect(recordIds('OPERATION_COUNT_MISSING')).toEqual([cases.operationCountMissing]);
    expect(recordIds('RECORD_ID_MISMATCH')).toEqual([cases.recordIdMismatch]);
    expect(byCode.RECORD_ID_MISMATCH.examples[0]).toMatchObject({ line: 11 });
    expect(byCode.RECORD_ID_MISMATCH.examples[0].text).toContain(MISMATCHED_RECORD_ID);
    // The same facts in words, one warning per kind.
    for (const note of importBatch.notes) {
      expect(importBatch.warnings).toContainEqual(expect.stringContaining(`${note.description} (e.g. line ${note.examples[0].line}, record ${note.examples[0].recordId}:`));
    }
    // Each example finds its record.
    const { auditRecord } = await ok('query($id: ID!) { auditRecord(id: $id) { id operation mailAccessType operationCount } }', { id: cases.operationCountMissing });
    expect(auditRecord).toEqual({ id: cases.operationCountMissing, operation: 'MailItemsAccessed', mailAccessType: 'BIND', operationCount: 2 });
  });

  test('per-item time, item id, subject, size and sensitivity label are kept; accessedAt is the item time', async () => {
    const { auditRecord } = await ok(
      `query($id: ID!) { auditRecord(id: $id) { creationTime messageAccesses {
         internetMessageId internetMessageIdMissing itemId subject sizeInBytes sensitivityLabels accessedAt } } }`,
      { id: cases.richBind },
    );
    expect(auditRecord.creationTime).toBe('2025-05-02T10:00:00.000Z');
    expect(auditRecord.messageAccesses).toEqual([
      {
        internetMessageId: expect.stringMatching(/^<.+@.+>$/),
        internetMessageIdMissing: false,
        itemId: 'LgAAAAcarol1',
        subject: 'Invoice 4471',
        sizeInBytes: 48213,
        sensitivityLabels: [shapes.label],
        accessedAt: '2025-05-02T09:58:30.000Z',
      },
      {
        internetMessageId: expect.stringMatching(/^<.+@.+>$/),
        internetMessageIdMissing: false,
        itemId: 'RgAAAAcarol2', // ImmutableId was ErrorDuringIdConversion
        subject: 'Wire instructions',
        sizeInBytes: 1200,
        sensitivityLabels: [],
        accessedAt: '2025-05-02T09:59:30.000Z',
      },
    ]);
  });

  test('OperationCount 2 with one item lacking an InternetMessageId shows 2 accesses, the second known by item id', async () => {
    const { auditRecord } = await ok(
      `query($id: ID!) { auditRecord(id: $id) { operationCount messageAccesses { internetMessageId internetMessageIdMissing itemId subject } } }`,
      { id: cases.itemWithoutMessageId },
    );
    expect(auditRecord.operationCount).toBe(2);
    expect(auditRecord.messageAccesses).toHaveLength(2);
    expect(auditRecord.messageAccesses[1]).toEqual({ internetMessageId: '', internetMessageIdMissing: true, itemId: shapes.sharedImmutableId, subject: 'Payroll March' });
  });

  test('exposure: item-only messages are confirmed (not merged across mailboxes); time filters use the item time', async () => {
    const EXPOSURE = `query($mailbox: String!, $from: DateTime, $to: DateTime) { exposure(mailbox: $mailbox, from: $from, to: $to) {
      boundMessageCount bindOperationCount
      boundMessages(first: 50) { edges { node { internetMessageId internetMessageIdMissing itemId subject accessCount firstAccessedAt lastAccessedAt } } }
      syncedFolders { syncedAt folder { path unknown } }
      warnings { code values } } }`;
    const carol = (await ok(EXPOSURE, { mailbox: shapes.mailbox })).exposure;
    const nodes = carol.boundMessages.edges.map((e: any) => e.node);
    // rich-1 (also bound with its domain upper-cased), rich-2, plain-3, the item known by id, count-8a/b, mismatch-10.
    expect(carol.boundMessageCount).toBe(7);
    expect(nodes).toHaveLength(7);
    const itemOnly = nodes.filter((n: any) => n.internetMessageIdMissing);
    expect(itemOnly).toEqual([
      {
        internetMessageId: '',
        internetMessageIdMissing: true,
        itemId: shapes.sharedImmutableId,
        subject: 'Payroll March',
        accessCount: 2, // records 2 and 3: the same item of carol's mailbox
        firstAccessedAt: '2025-05-02T10:05:00.000Z',
        lastAccessedAt: '2025-05-02T10:06:00.000Z',
      },
    ]);
    const rich1 = nodes.find((n: any) => n.subject === 'Invoice 4471');
    expect(rich1).toMatchObject({ accessCount: 2, firstAccessedAt: '2025-05-02T09:58:30.000Z', lastAccessedAt: '2025-05-02T10:30:00.000Z' });

    const dave = (await ok(EXPOSURE, { mailbox: shapes.otherMailbox })).exposure;
    expect(dave.boundMessageCount).toBe(1);
    expect(dave.boundMessages.edges[0].node).toMatchObject({ internetMessageIdMissing: true, itemId: shapes.sharedImmutableId, accessCount: 1 });

    // Record 1 is at 10:00:00 but its items were read at 09:58:30 and 09:59:30: a window ending 09:59:00 sees one.
    const early = (await ok(EXPOSURE, { mailbox: shapes.mailbox, from: '2025-05-02T09:00:00Z', to: '2025-05-02T09:59:00Z' })).exposure;
    expect(early.boundMessages.edges.map((e: any) => e.node.subject)).toEqual(['Invoice 4471']);

    // The Sync record without a folder is presumed exposure of an unknown folder, and the answer warns.
    expect(carol.syncedFolders).toEqual([{ syncedAt: '2025-05-02T10:15:00.000Z', folder: { path: '', unknown: true } }]);
    expect(carol.warnings).toContainEqual({ code: 'UNKNOWN_FOLDER_SYNCED', values: ['2025-05-02T10:15:00.000Z'] });
    expect(dave.warnings.map((w: any) => w.code)).not.toContain('UNKNOWN_FOLDER_SYNCED');
  });

  test('the exposure pages keep item-only messages in order across pages', async () => {
    const PAGE = `query($after: String) { exposure(mailbox: "${shapes.mailbox}") { boundMessages(first: 2, after: $after) {
      edges { node { internetMessageId itemId } } pageInfo { hasNextPage endCursor } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: any = (await ok(PAGE, { after })).exposure.boundMessages;
      seen.push(...page.edges.map((e: any) => e.node.internetMessageId || `item ${e.node.itemId}`));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen[0]).toBe(`item ${shapes.sharedImmutableId}`);
  });

  test('re-importing the same file adds nothing and counts the same notes again', async () => {
    const [again] = await t.importer.importContent(lossyShapesPurviewCsv(), { orgId: 1, fileName: 'lossy.csv', source: 'cli' });
    expect(again).toMatchObject({ status: 'SUCCEEDED', recordsInserted: 0, duplicates: 10 });
    const { exposure } = await ok(`{ exposure(mailbox: "${shapes.mailbox}") { boundMessageCount } }`);
    expect(exposure.boundMessageCount).toBe(7);
  });
});
