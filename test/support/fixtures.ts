/** The fixture incident (test/fixtures, answers in incident/expected.json) and helpers to load it. */
import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';

export const FIXTURES = path.join(__dirname, '../fixtures');
export const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'incident/expected.json'), 'utf8'));

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** A fresh organisation: imports into it start from an empty model, while sharing one test database. */
export async function newOrganization(dataSource: DataSource, slug: string): Promise<number> {
  const rows: { id: number }[] = await dataSource.query(
    'INSERT INTO organization (slug, name) VALUES ($1, $1) RETURNING id',
    [`${slug}-${Math.random().toString(36).slice(2, 8)}`],
  );
  return rows[0].id;
}

/** Row counts of the model for one organisation. */
export async function modelCounts(dataSource: DataSource, orgId: number) {
  const [row] = await dataSource.query(
    `SELECT
       (SELECT count(*) FROM audit_record WHERE org_id = $1)::int AS records,
       (SELECT count(*) FROM message_access WHERE org_id = $1)::int AS "messageAccesses",
       (SELECT count(*) FROM folder_sync WHERE org_id = $1)::int AS "folderSyncs",
       (SELECT count(*) FROM session WHERE org_id = $1)::int AS sessions,
       (SELECT count(*) FROM client_ip WHERE org_id = $1)::int AS "clientIps",
       (SELECT count(*) FROM mailbox WHERE org_id = $1)::int AS mailboxes,
       (SELECT count(DISTINCT message_id) FROM message_access WHERE org_id = $1)::int AS "distinctMessages"`,
    [orgId],
  );
  return row as Record<string, number>;
}

/**
 * A MailItemsAccessed Bind record (its AuditData) listing `items` as FolderItems of the Inbox, for tests that write
 * their own files. `app` adds ClientAppId / AppId.
 */
export function bindRecord(r: {
  id: string;
  creationTime: string;
  items: object[];
  mailbox?: string;
  sessionId?: string;
  clientIp?: string;
  app?: { ClientAppId?: string; AppId?: string };
}) {
  const mailbox = r.mailbox ?? 'alice@example.com';
  return {
    CreationTime: r.creationTime,
    Id: r.id,
    Operation: 'MailItemsAccessed',
    RecordType: 50,
    UserType: 0,
    Workload: 'Exchange',
    UserId: mailbox,
    MailboxOwnerUPN: mailbox,
    ClientIPAddress: r.clientIp ?? '203.0.113.9',
    SessionId: r.sessionId ?? 's-test',
    ...r.app,
    OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }],
    Folders: [{ Id: 'inbox', Path: '\\Inbox', FolderItems: r.items }],
    OperationCount: r.items.length,
  };
}

/** Writes records as NDJSON to `dir/name`; returns the path. */
export function writeNdjson(dir: string, name: string, records: object[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}
