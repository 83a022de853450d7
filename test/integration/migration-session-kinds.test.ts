/** The SessionKinds migration re-derives sessions of records stored before it, as the importer now does. */
import { MIGRATIONS } from '../../migrations';
import { SessionKinds1796000100000 } from '../../migrations/1796000100000-SessionKinds';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('migration SessionKinds', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    const undo = MIGRATIONS.length - MIGRATIONS.indexOf(SessionKinds1796000100000);
    for (let i = 0; i < undo; i++) await db.dataSource.undoLastMigration({ transaction: 'each' });
  });
  afterAll(async () => db.drop());

  test('placeholder sessions go, records without SessionId join their Entra session, Exchange sessions learn their sign-in', async () => {
    const q = (text: string) => db.dataSource.query(text);
    await q(`INSERT INTO mailbox (id, org_id, user_principal_name) VALUES (1, 1, 'one@example.com'), (2, 1, 'two@example.com')`);
    await q(`INSERT INTO session (id, org_id, session_id, first_seen, last_seen, record_count) VALUES
      (1, 1, 'ANONYMIZED', '2025-01-01', '2025-01-02', 2), (2, 1, 'ex-session', '2025-01-03', '2025-01-03', 1)`);
    await q(`INSERT INTO session_mailbox (session_id, mailbox_id, org_id, first_seen, last_seen, record_count) VALUES
      (1, 1, 1, '2025-01-01', '2025-01-01', 1), (1, 2, 1, '2025-01-02', '2025-01-02', 1)`);
    await q(`INSERT INTO audit_record (id, org_id, record_key, creation_time, operation, user_id, mailbox_id, session_id, aad_session_id, raw, raw_sha256, batch_id, source_line) VALUES
      (1, 1, 'r1', '2025-01-01', 'MailItemsAccessed', 'one@example.com', 1, 1, NULL, '{}', sha256('{}'::bytea), 1, 1),
      (2, 1, 'r2', '2025-01-02', 'MailItemsAccessed', 'two@example.com', 2, 1, NULL, '{}', sha256('{}'::bytea), 1, 2),
      (3, 1, 'r3', '2025-01-04', 'MailItemsAccessed', 'one@example.com', 1, NULL, 'aad-1', '{}', sha256('{}'::bytea), 1, 3),
      (4, 1, 'r4', '2025-01-03', 'MailItemsAccessed', 'one@example.com', 1, 2, 'aad-2', '{}', sha256('{}'::bytea), 1, 4),
      (5, 1, 'r5', '2025-01-05', 'MailItemsAccessed', 'two@example.com', 2, NULL, '00000000-0000-0000-0000-000000000000', '{}', sha256('{}'::bytea), 1, 5)`);

    await db.dataSource.runMigrations({ transaction: 'each' });

    expect(await q(`SELECT session_id, kind, entra_session_id, record_count FROM session ORDER BY session_id`)).toEqual([
      { session_id: 'aad-1', kind: 'ENTRA', entra_session_id: null, record_count: 1 },
      { session_id: 'ex-session', kind: 'EXCHANGE', entra_session_id: 'aad-2', record_count: 1 },
    ]);
    expect(await q(`SELECT r.record_key, s.session_id, r.aad_session_id FROM audit_record r LEFT JOIN session s ON s.id = r.session_id ORDER BY r.id`)).toEqual([
      { record_key: 'r1', session_id: null, aad_session_id: null },
      { record_key: 'r2', session_id: null, aad_session_id: null },
      { record_key: 'r3', session_id: 'aad-1', aad_session_id: 'aad-1' },
      { record_key: 'r4', session_id: 'ex-session', aad_session_id: 'aad-2' },
      { record_key: 'r5', session_id: null, aad_session_id: null },
    ]);
    expect(await q(`SELECT s.session_id, l.mailbox_id::int AS mailbox_id FROM session_mailbox l JOIN session s ON s.id = l.session_id`)).toEqual([
      { session_id: 'aad-1', mailbox_id: 1 },
    ]);
  });
});
