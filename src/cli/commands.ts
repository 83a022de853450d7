/** What each command does, once its arguments are parsed and the configuration is loaded (see main.ts). */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, type Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import type { Logger } from '../logger';
import { ApiKeyStore } from '../api/http/auth';
import { buildMailtrailSchema, printMailtrailSchema } from '../api/graphql/schema';
import { describeVerify, verifyEvidence } from '../evidence/verify';
import { ImportService, importerOptionsOf } from '../import/import-service';
import { UsageError, type Parsed } from './args';
import { createKey, listKeys, revokeKey } from './api-key-command';
import { createOrg, listOrgs, renameOrg } from './org-command';
import { importOptions, runImport } from './import-command';
import { serve } from './serve-command';
import { runTimeline } from './timeline-command';
import { addTag, listTags, removeTag } from './tag-command';
import { generateMigration } from './generate-migration';
import { onShutdown } from './shutdown';
import { GENERATE_MIGRATION_SPEC } from './specs';

export { EmbeddedDatabaseError } from '../db/embedded';

type Run = (parsed: Parsed, config: Config, logger: Logger) => Promise<number>;

/** Opens the database for a one-shot command; a signal or fatal error still stops the embedded PostgreSQL. */
async function withDatabase<T>(config: Config, logger: Logger, fn: (db: Database) => Promise<T>): Promise<T> {
  const opening = openDatabase(config, logger);
  onShutdown(logger, async () => (await opening.catch(() => null))?.close());
  const db = await opening;
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const withKeys =
  (fn: (keys: ApiKeyStore, parsed: Parsed) => Promise<number>): Run =>
  (parsed, config, logger) =>
    withDatabase(config, logger, (db) => fn(new ApiKeyStore(db.dataSource), parsed));

const withDataSource =
  (fn: (dataSource: Database['dataSource'], parsed: Parsed) => Promise<number>): Run =>
  (parsed, config, logger) =>
    withDatabase(config, logger, (db) => fn(db.dataSource, parsed));

export const RUN: Record<string, Run> = {
  async serve(_parsed, config, logger) {
    await serve(config, logger);
    return -1; // keeps running until a signal
  },
  async migrate(_parsed, config, logger) {
    await withDatabase(config, logger, async () => undefined);
    process.stdout.write('migrations are up to date\n');
    return 0;
  },
  async import(parsed, config, logger) {
    const options = importOptions(parsed);
    return withDatabase(config, logger, (db) => {
      // On stderr, so that --json output stays one JSON document.
      process.stderr.write(`mailtrail: importing into ${db.description}\n`);
      const importer = new ImportService(db.dataSource, logger, importerOptionsOf(config));
      return runImport(importer, db.dataSource, parsed.positionals, options);
    });
  },
  async timeline(parsed, config, logger) {
    return withDatabase(config, logger, (db) => runTimeline(db.dataSource, parsed));
  },
  async verify(parsed, config, logger) {
    return withDatabase(config, logger, async (db) => {
      const report = await verifyEvidence(db.dataSource);
      process.stdout.write(parsed.values.json ? JSON.stringify(report) + '\n' : describeVerify(report));
      return report.mismatchCount > 0 ? 1 : 0;
    });
  },
  'api-key create': withKeys(createKey),
  'api-key list': withKeys(listKeys),
  'api-key revoke': withKeys(revokeKey),
  'org create': withDataSource(createOrg),
  'org list': withDataSource(listOrgs),
  'org rename': withDataSource(renameOrg),
  'tag add': (parsed, config, logger) => withDatabase(config, logger, (db) => addTag(db.dataSource, parsed)),
  'tag remove': (parsed, config, logger) => withDatabase(config, logger, (db) => removeTag(db.dataSource, parsed)),
  'tag list': (parsed, config, logger) => withDatabase(config, logger, (db) => listTags(db.dataSource, parsed)),
  async 'emit-schema'() {
    const file = path.join(PROJECT_ROOT, 'schema', 'schema.graphql');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, printMailtrailSchema(await buildMailtrailSchema()));
    process.stdout.write(`wrote ${file}\n`);
    return 0;
  },
  async 'generate-migration'(parsed, config) {
    if (!config.databaseUrl) throw new UsageError('generate-migration needs DATABASE_URL (a scratch database is created there)', GENERATE_MIGRATION_SPEC.usage);
    const file = await generateMigration(config.databaseUrl, parsed.positionals[0], path.join(PROJECT_ROOT, 'migrations'));
    process.stdout.write(file ? `wrote ${file}, registered in migrations/index.ts and migrations/manifest.json\n` : 'no changes: the migrations match the entities\n');
    return 0;
  },
};
