/**
 * The `mailtrail` command: serve | migrate | import | api-key | emit-schema | generate-migration.
 * Configuration comes from environment variables (src/config.ts, documented in the README).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import { EmbeddedDatabaseError } from '../db/embedded';
import { createLogger, type Logger } from '../logger';
import { ApiKeyStore } from '../api/http/auth';
import { startServer } from '../api/http/server';
import { buildMailtrailSchema, printMailtrailSchema } from '../api/graphql/schema';
import { ImportService } from '../import/import-service';
import type { ApiKeyRole } from '../model/api-key.entity';
import { parseImportArgs, runImport } from './import-command';
import { generateMigration } from './generate-migration';

const USAGE = `usage: mailtrail <command>

  serve                      start the API (GraphiQL at http://HOST:PORT/)
  migrate                    apply database migrations and exit
  import [--json] [--format F] <files or folders...>
                             load audit exports (CSV/JSON/NDJSON, .gz, .zip)
  api-key create [--role reader|importer|admin] [--name NAME]
                             create an API key and print it once
  emit-schema                write schema/schema.graphql from the code
  generate-migration <Name>  (developers) write a migration for entity changes

Environment: DATABASE_URL (unset = embedded PostgreSQL), HOST, PORT, MAILTRAIL_DATA_DIR, MAILTRAIL_API_KEY, ... (see README).`;

/** The first start creates an admin key and writes it where the README says, so GraphiQL works at once. */
async function ensureApiKey(config: Config, db: Database, logger: Logger): Promise<void> {
  const keys = new ApiKeyStore(db.dataSource);
  const fromEnv = process.env.MAILTRAIL_API_KEY?.trim();
  if (fromEnv) {
    await keys.ensure(fromEnv, 'MAILTRAIL_API_KEY');
    return;
  }
  const keyFile = path.join(config.dataDir, 'api-key');
  if ((await keys.count()) > 0) {
    if (fs.existsSync(keyFile)) logger.info({ keyFile }, 'API key: see this file (send it as "Authorization: Bearer <key>")');
    return;
  }
  const key = await keys.create({ name: 'first admin key', role: 'admin' });
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(keyFile, key + '\n', { mode: 0o600 });
  logger.info({ keyFile }, 'created the first API key (admin) and wrote it to this file; send it as "Authorization: Bearer <key>"');
}

async function serve(config: Config, logger: Logger): Promise<void> {
  const started = Date.now();
  const db = await openDatabase(config, logger);
  await ensureApiKey(config, db, logger);
  // Imports whose process died (crash, kill -9, power loss) show as FAILED with how to finish them: now, and
  // every minute for imports run by other processes (`mailtrail import`) while this server is up.
  const importer = new ImportService(db.dataSource, logger, { chunkRecords: config.importChunkRecords });
  const markInterrupted = async () => {
    const interrupted = await importer.markInterruptedBatches().catch(() => 0);
    if (interrupted) logger.warn({ batches: interrupted }, 'marked interrupted imports as FAILED; import those files again to complete them');
  };
  await markInterrupted();
  setInterval(() => void markInterrupted(), 60_000).unref();
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ config, dataSource: db.dataSource, logger });
  } catch (error) {
    await db.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(`Port ${config.port} on ${config.host} is already in use: stop the other program or set PORT to a free port.`);
    }
    throw error;
  }
  logger.info({ url: server.url, graphiql: `${server.url}/`, embeddedDatabase: db.embedded, ms: Date.now() - started }, 'mailtrail is listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await server.stop();
      await db.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function withDatabase<T>(config: Config, logger: Logger, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config, logger);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`mailtrail: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  // Commands whose stdout is output keep logs quiet unless asked for.
  const quiet = command === 'import' || command === 'api-key' || command === 'emit-schema';
  const logger = createLogger(quiet && !process.env.LOG_LEVEL ? 'warn' : config.logLevel);

  try {
    switch (command) {
      case 'serve':
        await serve(config, logger);
        return -1; // keeps running
      case 'migrate':
        await withDatabase(config, logger, async () => undefined);
        process.stdout.write('migrations are up to date\n');
        return 0;
      case 'import': {
        const { paths, options } = parseImportArgs(args);
        return await withDatabase(config, logger, (db) =>
          runImport(new ImportService(db.dataSource, logger, { chunkRecords: config.importChunkRecords }), paths, options),
        );
      }
      case 'api-key': {
        if (args[0] !== 'create') {
          process.stderr.write('usage: mailtrail api-key create [--role reader|importer|admin] [--name NAME]\n');
          return 2;
        }
        const role = (args[args.indexOf('--role') + 1] && args.includes('--role') ? args[args.indexOf('--role') + 1] : 'reader') as ApiKeyRole;
        if (!['reader', 'importer', 'admin'].includes(role)) {
          process.stderr.write(`--role must be reader, importer or admin (got ${role})\n`);
          return 2;
        }
        const name = args.includes('--name') ? args[args.indexOf('--name') + 1] : `${role} key`;
        const key = await withDatabase(config, logger, (db) => new ApiKeyStore(db.dataSource).create({ name, role }));
        process.stdout.write(key + '\n');
        return 0;
      }
      case 'emit-schema': {
        const file = path.resolve('schema', 'schema.graphql');
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, printMailtrailSchema(await buildMailtrailSchema()));
        process.stdout.write(`wrote ${file}\n`);
        return 0;
      }
      case 'generate-migration': {
        if (!config.databaseUrl || !args[0]) {
          process.stderr.write('usage: DATABASE_URL=postgres://... mailtrail generate-migration <Name>\n');
          return 2;
        }
        const file = await generateMigration(config.databaseUrl, args[0], path.resolve('migrations'));
        process.stdout.write(file ? `wrote ${file}, registered in migrations/index.ts and migrations/manifest.json\n` : 'no changes: the migrations match the entities\n');
        return 0;
      }
      default:
        process.stderr.write(USAGE + '\n');
        return command ? 2 : 0;
    }
  } catch (error) {
    if (error instanceof EmbeddedDatabaseError || error instanceof ConfigError) {
      process.stderr.write(`mailtrail: ${error.message}\n`);
      return 1;
    }
    logger.error({ err: error }, 'command failed');
    process.stderr.write(`mailtrail: ${(error as Error).message}\n`);
    return 1;
  }
}
