/** Each test file gets its own fresh database, built by the real migrations. */
import crypto from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';

export interface TestDatabase {
  url: string;
  name: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  const url = process.env.MAILTRAIL_TEST_ADMIN_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('No database for tests: global-setup should have set MAILTRAIL_TEST_ADMIN_URL.');
  return url;
}

export async function createTestDatabase(opts: { migrate?: boolean; statementTimeoutMs?: number; jit?: boolean } = {}): Promise<TestDatabase> {
  const name = `mailtrail_test_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const dataSource = createDataSource(url.toString(), { poolSize: 6, applicationName: 'mailtrail-test', statementTimeoutMs: opts.statementTimeoutMs, jit: opts.jit });
  await dataSource.initialize();
  if (opts.migrate !== false) await dataSource.runMigrations({ transaction: 'each' });
  return {
    url: url.toString(),
    name,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      const client = new Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * Undoes migrations, latest first (each by its own down), until `name` is undone too: the store as it was before
 * that migration. Returns the names undone, latest first.
 */
export async function undoMigrationsThrough(dataSource: DataSource, name: string): Promise<string[]> {
  const undone: string[] = [];
  while (!undone.includes(name)) {
    const [last] = await dataSource.query('SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1');
    if (!last) throw new Error(`${name} is not among the applied migrations`);
    await dataSource.undoLastMigration({ transaction: 'each' });
    undone.push(last.name);
  }
  return undone;
}
