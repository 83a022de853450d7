/**
 * Developer tool: writes migrations/<timestamp>-<Name>.ts with what the entities need beyond the current
 * migrations, by diffing a scratch database. Usage: mailtrail generate-migration <Name> (needs DATABASE_URL).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { createDataSource } from '../db/data-source';
import { registerMigration } from '../db/migration-registry';
import { renderMigration, schemaDrift } from '../db/schema-drift';

export async function generateMigration(databaseUrl: string, name: string, outDir: string): Promise<string | null> {
  const scratch = `mailtrail_gen_${process.pid}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratch}`);
  const url = new URL(databaseUrl);
  url.pathname = '/' + scratch;
  const ds = createDataSource(url.toString(), { poolSize: 2 });
  try {
    await ds.initialize();
    await ds.runMigrations();
    const drift = await schemaDrift(ds);
    if (drift.up.length === 0) return null;
    const timestamp = Date.now();
    const file = path.join(outDir, `${timestamp}-${name}.ts`);
    fs.writeFileSync(file, renderMigration(name, timestamp, drift));
    registerMigration(outDir, path.basename(file));
    return file;
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${scratch}`);
    await admin.end();
  }
}
