/**
 * App.boundMessageCount is kept by the import (src/import/load/app-message-counts.ts): after every import, in chunks
 * of any size, by the bulk path that defers indexes or the incremental one, with repeats, overlaps and a message
 * bound through two apps, the kept count must equal a count over the stored accesses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { AppService } from '../../src/api/services/app.service';
import { ImportService } from '../../src/import/import-service';
import { createTestDatabase, undoMigrationsThrough, type TestDatabase } from '../support/database';
import { bindRecord, fixture, newOrganization, writeNdjson } from '../support/fixtures';

const OWA = '00000002-0000-0ff1-ce00-000000000000';
const TOOL = '7C1E2D3F-4A5B-4C6D-8E7F-9A0B1C2D3E4F'; // as some exports write it: upper case

let n = 0;
const bind = (app: { ClientAppId?: string; AppId?: string }, messages: string[], mailbox = 'alice@example.com') =>
  bindRecord({
    id: `a5000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    creationTime: `2025-09-01T10:${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n++ % 60).padStart(2, '0')}`,
    mailbox,
    sessionId: 's-apps',
    app,
    items: messages.map((m) => ({ InternetMessageId: `<${m}@example.com>` })),
  });

describe('App.boundMessageCount kept by the import', () => {
  let db: TestDatabase;
  let dir: string;
  const logger = pino({ level: 'silent' });
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-app-counts-'));
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, records: object[]) => writeNdjson(dir, name, records);
  /** What the kept counts must equal: distinct messages over the stored accesses of each app's records. */
  const counted = (orgId: number) =>
    db.dataSource.query(
      `SELECT a.app_id, (SELECT count(DISTINCT x.message_id)::int FROM audit_record r JOIN message_access x ON x.record_id = r.id AND x.org_id = r.org_id
         WHERE r.org_id = a.org_id AND lower(coalesce(r.client_app_id, r.app_id)) = a.app_id) AS n
       FROM app a WHERE a.org_id = $1 ORDER BY a.app_id`,
      [orgId],
    );
  const kept = (orgId: number) =>
    db.dataSource.query('SELECT app_id, bound_message_count::int AS n FROM app WHERE org_id = $1 ORDER BY app_id', [orgId]);

  test('a bulk load with deferred indexes counts once at its end', async () => {
    const orgId = await newOrganization(db.dataSource, 'apps-bulk');
    const file = write('bulk.ndjson', [
      bind({ AppId: OWA }, ['m1', 'm2']),
      bind({ AppId: OWA, ClientAppId: TOOL }, ['m2', 'm3']),
      bind({ AppId: OWA }, ['m2', 'm4'], 'bob@example.com'),
      bind({ ClientAppId: TOOL }, ['m3', 'm5']),
    ]);
    const importer = new ImportService(db.dataSource, logger, { chunkRecords: 2, deferIndexesFromBytes: 0 });
    const [batch] = await importer.importFile(file, { orgId, source: 'cli' });
    expect([batch.status, batch.recordsInserted]).toEqual(['SUCCEEDED', 4]);
    expect(await db.dataSource.query('SELECT count(*)::int AS n FROM deferred_index')).toEqual([{ n: 0 }]);
    expect(await kept(orgId)).toEqual([
      { app_id: OWA, n: 3 },
      { app_id: TOOL.toLowerCase(), n: 3 },
    ]);
    expect(await kept(orgId)).toEqual(await counted(orgId));
  });

  test('chunk by chunk: repeats, overlaps, a message through two apps, known messages and new ones', async () => {
    const orgId = await newOrganization(db.dataSource, 'apps-chunks');
    const importer = new ImportService(db.dataSource, logger, { chunkRecords: 2, deferIndexesFromBytes: Infinity });
    const first = write('first.ndjson', [
      bind({ AppId: OWA }, ['k1', 'k2']),
      bind({ AppId: OWA }, ['k2', 'k3']),
      bind({ ClientAppId: TOOL, AppId: OWA }, ['k1']),
      bind({ AppId: OWA }, ['k1', 'k3'], 'bob@example.com'),
      bind({ ClientAppId: TOOL }, ['k4', 'k4', 'k5']),
    ]);
    await importer.importFile(first, { orgId, source: 'cli' });
    expect(await kept(orgId)).toEqual([
      { app_id: OWA, n: 3 },
      { app_id: TOOL.toLowerCase(), n: 3 },
    ]);
    // The same file again adds nothing; a second file overlaps it and brings known messages to the other app.
    await importer.importFile(first, { orgId, source: 'cli' });
    const second = write('second.ndjson', [
      bind({ AppId: OWA }, ['k4', 'k6']),
      bind({ ClientAppId: TOOL }, ['k1', 'k2', 'k7']),
      bind({ ClientAppId: TOOL.toLowerCase() }, ['k2', 'k7']),
    ]);
    await new ImportService(db.dataSource, logger, { chunkRecords: 1, deferIndexesFromBytes: Infinity }).importFile(second, { orgId, source: 'cli' });
    expect(await kept(orgId)).toEqual([
      { app_id: OWA, n: 5 }, // k1-k3, then k4 (known, new to this app) and k6
      { app_id: TOOL.toLowerCase(), n: 5 }, // k1, k4, k5, then k2 (known) and k7 (new), each once
    ]);
    expect(await kept(orgId)).toEqual(await counted(orgId));
    // The fixtures too, each in chunks of 3.
    const fixtures = new ImportService(db.dataSource, logger, { chunkRecords: 3, deferIndexesFromBytes: Infinity });
    for (const name of ['audit.ndjson', 'purview.csv', 'management-api.json.gz', 'exports.zip']) await fixtures.importFile(fixture(name), { orgId, source: 'cli' });
    const all = await counted(orgId);
    expect(all.length).toBeGreaterThan(2);
    expect(await kept(orgId)).toEqual(all);
  });

  test('the API reads the kept count, and counts an app a bulk load has not counted yet', async () => {
    const orgId = await newOrganization(db.dataSource, 'apps-chunks-api');
    await new ImportService(db.dataSource, logger, { chunkRecords: 2, deferIndexesFromBytes: Infinity }).importFile(
      write('api.ndjson', [bind({ AppId: OWA }, ['a1', 'a2']), bind({ ClientAppId: TOOL }, ['a2'])]),
      { orgId, source: 'cli' },
    );
    const apps = new AppService(db.dataSource, orgId);
    const keys = [OWA, TOOL.toLowerCase(), 'no-such-app'];
    expect(await apps.boundMessageCountByAppKeys(keys)).toEqual([2, 1, 0]);
    // A kept count is what the API answers (set apart from the truth here to tell the two apart) ...
    await db.dataSource.query('UPDATE app SET bound_message_count = 41 WHERE org_id = $1 AND app_id = $2', [orgId, OWA]);
    // ... and an uncounted one is counted from the accesses.
    await db.dataSource.query('UPDATE app SET bound_message_count = NULL WHERE org_id = $1 AND app_id = $2', [orgId, TOOL.toLowerCase()]);
    expect(await apps.boundMessageCountByAppKeys(keys)).toEqual([41, 1, 0]);
  });

  test('apps an interrupted bulk load left uncounted are counted by the server\'s periodic pass', async () => {
    const [{ id: orgId }] = await db.dataSource.query("SELECT id FROM organization WHERE name LIKE 'apps-chunks-%' AND name NOT LIKE 'apps-chunks-api-%'");
    const truth = await counted(orgId);
    await db.dataSource.query('UPDATE app SET bound_message_count = NULL WHERE org_id = $1', [orgId]);
    await new ImportService(db.dataSource, logger, { chunkRecords: 2 }).countUncounted();
    expect(await kept(orgId)).toEqual(truth);
  });

  test('the AppBoundMessageCounts migration fills the counts of what is stored', async () => {
    const orgs: { id: number }[] = await db.dataSource.query("SELECT id FROM organization WHERE name LIKE 'apps-%' ORDER BY id");
    expect(orgs.length).toBe(3);
    await undoMigrationsThrough(db.dataSource, 'AppBoundMessageCounts1796006600000');
    await db.dataSource.runMigrations({ transaction: 'each' });
    for (const { id } of orgs) expect(await kept(id)).toEqual(await counted(id));
  });
});
