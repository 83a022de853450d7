/**
 * Denser audit_record rows (migration DenseRecordRows): AppIds that are lower-case GUIDs stored as uuids, any other
 * AppId as text; ClientInfoStrings in the client_info dictionary; known Operations as codes; the columns in a new
 * order. What the importer
 * writes, that every reader gets the texts back exactly, that lookups by AppId still use their index, and that a
 * store written before the migration becomes the same and goes back by its down. Real importer, real migrations,
 * asked over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { undoMigrationsThrough } from '../support/database';
import { bindRecord, writeNdjson } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { OPERATION_CODES } from '../../src/import/normalize/operation-code';

const OWA = '00000002-0000-0ff1-ce00-000000000000';
const UPPER = '7C1E2D3F-4A5B-4C6D-8E7F-9A0B1C2D3E4F'; // as written: kept as text, never lower-cased
const NOT_A_GUID = 'my-app';
const LONG_INFO = `Client=REST;${'Mozilla/5.0 (hostile) '.repeat(200)}end`; // longer than a B-tree entry may be

const record = (n: number, app: string | undefined, info: string | undefined, operation?: string) => ({
  ...bindRecord({
    id: `7f000000-0000-4000-8000-00000000000${n}`,
    creationTime: `2025-07-03T0${n}:00:00`,
    sessionId: 's-dense',
    app: app === undefined ? undefined : { AppId: app },
    items: [{ InternetMessageId: `<d${n}@example.com>` }],
  }),
  ...(info === undefined ? {} : { ClientInfoString: info }),
  ...(operation === undefined ? {} : { Operation: operation }),
});

const RECORDS: Record<string, unknown>[] = [
  record(1, OWA, 'Client=OWA;Action=ViaProxy'),
  record(2, OWA, 'Client=OWA;Action=ViaProxy'),
  record(3, UPPER, LONG_INFO),
  record(4, NOT_A_GUID, 'Client=MSExchangeRPC', 'Set-InboxRule'),
  record(5, undefined, undefined, 'mailitemsaccessed'), // another case: kept as text, as written
  record(6, OWA, undefined, 'Some-FutureOperation'),
];

const ANSWERS = RECORDS.map((r) => ({ appId: r.AppId ?? null, clientInfoString: r.ClientInfoString ?? null, operation: r.Operation }));

describe('audit records in denser rows', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-dense-'));
    const [batch] = await t.importer.importFile(writeNdjson(dir, 'dense.ndjson', RECORDS), { orgId: 1, source: 'cli' });
    expect([batch.status, batch.recordsInserted]).toEqual(['SUCCEEDED', RECORDS.length]);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stored = () =>
    t.db.dataSource.query(
      `SELECT r.id::text, r.app_id, app_uuid::text AS uuid, app_id_text AS text, r.client_info_string AS info,
         r.operation, operation_code AS code
       FROM audit_record r ORDER BY r.id`,
    );
  const asked = async () => {
    const out = [];
    for (let n = 1; n <= RECORDS.length; n++) {
      const { body } = await t.gql(`query($id: ID!) { auditRecord(id: $id) { appId clientInfoString operation } }`, { id: RECORDS[n - 1].Id });
      out.push(body.data.auditRecord);
    }
    return out;
  };

  test('GUID AppIds become uuids, others stay text; ClientInfoStrings are stored once; every reader gets them back', async () => {
    const rows = await stored();
    expect(rows.map((r: { uuid: string | null; text: string | null }) => [r.uuid, r.text])).toEqual([
      [OWA, null],
      [OWA, null],
      [null, UPPER],
      [null, NOT_A_GUID],
      [null, null],
      [OWA, null],
    ]);
    // Known operations spelt exactly as their code; another spelling or an unknown operation as text.
    expect(rows.map((r: { operation: string; code: number | null }) => [r.operation, r.code])).toEqual([
      ['MailItemsAccessed', 1],
      ['MailItemsAccessed', 1],
      ['MailItemsAccessed', 1],
      ['Set-InboxRule', OPERATION_CODES.indexOf('Set-InboxRule') + 1],
      ['mailitemsaccessed', null],
      ['Some-FutureOperation', null],
    ]);
    expect(await t.db.dataSource.query('SELECT text FROM client_info ORDER BY id')).toEqual([
      { text: 'Client=OWA;Action=ViaProxy' },
      { text: LONG_INFO },
      { text: 'Client=MSExchangeRPC' },
    ]);
    expect(await asked()).toEqual(ANSWERS);
    const { body } = await t.gql(`{ session(sessionId: "s-dense") { appIds clientInfoStrings } }`);
    expect(body.data.session).toEqual({
      appIds: [OWA, UPPER, NOT_A_GUID].sort(),
      clientInfoStrings: ['Client=MSExchangeRPC', 'Client=OWA;Action=ViaProxy', LONG_INFO].sort(),
    });
    // The same file again adds nothing, to the records or to the dictionary.
    const [again] = await t.importer.importFile(writeNdjson(dir, 'again.ndjson', RECORDS), { orgId: 1, source: 'cli' });
    expect([again.status, again.recordsInserted, again.duplicates]).toEqual(['SUCCEEDED', 0, RECORDS.length]);
    expect(await t.db.dataSource.query('SELECT count(*)::int AS n FROM client_info')).toEqual([{ n: 3 }]);
  });

  test("the database's operation(audit_record) maps every code as the importer's OPERATION_CODES does, and needs one of the two", async () => {
    const [{ definition }] = await t.db.dataSource.query(`SELECT pg_get_functiondef('operation(audit_record)'::regprocedure) AS definition`);
    const mapped = [...definition.matchAll(/WHEN (\d+) THEN '([^']+)'/g)].map((m: string[]) => [Number(m[1]), m[2]]);
    expect(mapped).toEqual(OPERATION_CODES.map((op, i) => [i + 1, op]));
    await expect(
      t.db.dataSource.query(`INSERT INTO audit_record (org_id, creation_time, raw_sha256, batch_id, source_line) VALUES (1, now(), '\\x00', 1, 1)`),
    ).rejects.toThrow(/ck_audit_record_operation/);
  });

  test('a lookup by AppId (r.app_id, through its function) still uses the (org_id, AppId) index', async () => {
    const qr = t.db.dataSource.createQueryRunner();
    let plan: string;
    try {
      await qr.query('BEGIN');
      // On six rows any plan costs the same, and the planner may take the (org_id, time) index, or this one on org_id
      // alone, and filter. So, inside a transaction that is rolled back: 5,000 records of another app, statistics,
      // and no (org_id, time) index: then only an index whose expression matches what r.app_id inlines to makes the
      // condition cheap, and the plan shows it as the index's condition.
      await qr.query(`INSERT INTO audit_record (org_id, creation_time, operation_code, raw_sha256, batch_id, source_line, app_id_text)
        SELECT 1, now(), 1, '\\x00', 1, g, 'another-app' FROM generate_series(1, 5000) g`);
      await qr.query('ANALYZE audit_record');
      await qr.query('DROP INDEX ix_audit_record_org_time');
      await qr.query('SET LOCAL enable_seqscan = off');
      const rows: { 'QUERY PLAN': string }[] = await qr.query(
        `EXPLAIN SELECT count(*) FROM audit_record r WHERE r.org_id = 1 AND r.client_app_id IS NULL AND r.app_id = ANY($1::text[])`,
        [[OWA, OWA.toUpperCase()]],
      );
      plan = rows.map((p) => p['QUERY PLAN']).join('\n');
    } finally {
      await qr.query('ROLLBACK');
      await qr.release();
    }
    expect(plan).toMatch(/(Index|Index Only|Bitmap Index) Scan (using|on) ix_audit_record_org_app/);
    expect(plan).toMatch(/Index Cond: .*COALESCE\(app_id_text, \(app_uuid\)::text\) = ANY/);
  });

  test('a store written before the migration is rebuilt the same way, continues its ids, and goes back by its down', async () => {
    const ds = t.db.dataSource;
    const before = await stored();
    await undoMigrationsThrough(ds, 'DenseRecordRows1796007400000');
    expect(await ds.query('SELECT id::text, app_id, client_info_string AS info, operation FROM audit_record ORDER BY id')).toEqual(
      before.map((r: { id: string; app_id: string | null; info: string | null; operation: string }) => ({ id: r.id, app_id: r.app_id, info: r.info, operation: r.operation })),
    );
    await ds.runMigrations({ transaction: 'each' });
    expect(await stored()).toEqual(before);
    expect(await asked()).toEqual(ANSWERS);
    // Indexes rebuilt under their names, filled to 100 % (StaticIndexFill); new records get new ids.
    const indexes = await ds.query(
      `SELECT c.relname AS name, c.reloptions FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'audit_record'::regclass AND c.relname IN ('pk_audit_record', 'ix_audit_record_session_time', 'ix_audit_record_org_app') ORDER BY 1`,
    );
    expect(indexes).toEqual(['ix_audit_record_org_app', 'ix_audit_record_session_time', 'pk_audit_record'].map((name) => ({ name, reloptions: ['fillfactor=100'] })));
    const [more] = await t.importer.importFile(writeNdjson(dir, 'more.ndjson', [record(7, OWA, 'Client=OWA;Action=ViaProxy')]), { orgId: 1, source: 'cli' });
    expect([more.status, more.recordsInserted]).toEqual(['SUCCEEDED', 1]);
    const after = await stored();
    expect(BigInt(after[RECORDS.length].id)).toBeGreaterThan(BigInt(before[RECORDS.length - 1].id));
    expect(after[RECORDS.length]).toMatchObject({ uuid: OWA, info: 'Client=OWA;Action=ViaProxy', operation: 'MailItemsAccessed', code: 1 });
  });
});
