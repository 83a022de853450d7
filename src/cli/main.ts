/**
 * The `mailtrail` command: serve | migrate | import | api-key create|list|revoke | emit-schema | generate-migration.
 * Configuration comes from environment variables (src/config.ts, documented in the README). Exit status: 0 done,
 * 1 failed, 2 usage error (unknown command or flag, missing value), with the usage line on stderr.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, PROJECT_ROOT, type Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import { EmbeddedDatabaseError } from '../db/embedded';
import { createLogger, type Logger } from '../logger';
import { ApiKeyStore } from '../api/auth';
import { buildMailtrailSchema, printMailtrailSchema } from '../api/schema';
import { ImportService } from '../import/import-service';
import { helpText, parseCommand, UsageError, type CommandSpec, type Parsed } from './args';
import { API_KEY_SPECS, createKey, listKeys, revokeKey } from './api-key-command';
import { IMPORT_SPEC, importOptions, runImport } from './import-command';
import { SERVE_SPEC, serve } from './serve-command';
import { generateMigration } from './generate-migration';
import { onShutdown } from './shutdown';

const USAGE = `usage: mailtrail <command> [options]

  serve                      start the API (GraphiQL at http://HOST:PORT/)
  migrate                    apply database migrations and exit
  import [--json] [--format F] <files or folders...>
                             load audit exports (CSV/JSON/NDJSON, .gz, .zip)
  api-key create [--role reader|importer|admin] [--name NAME]
                             create an API key and print it once
  api-key list [--all] [--json]
                             list API keys (name, role, created, last used; never the key)
  api-key revoke <name> | --id ID
                             revoke an API key
  emit-schema                write schema/schema.graphql from the code
  generate-migration <Name>  (developers) write a migration for entity changes

  mailtrail <command> --help   what a command does and its options
  mailtrail --version

Environment: DATABASE_URL (unset = embedded PostgreSQL), HOST, PORT, MAILTRAIL_DATA_DIR, MAILTRAIL_API_KEY, ... (see README).
`;

interface Command {
  spec: CommandSpec;
  /** Commands whose stdout is their output keep logs at warn unless LOG_LEVEL says otherwise. */
  quiet?: boolean;
  run(parsed: Parsed, config: Config, logger: Logger): Promise<number>;
}

/** Opens the database for a one-shot command; a signal or fatal error still stops the embedded PostgreSQL. */
async function withDatabase<T>(config: Config, logger: Logger, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config, logger);
  onShutdown(logger, () => db.close());
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const withKeys = (fn: (keys: ApiKeyStore, parsed: Parsed) => Promise<number>) => (parsed: Parsed, config: Config, logger: Logger) =>
  withDatabase(config, logger, (db) => fn(new ApiKeyStore(db.dataSource), parsed));

const COMMANDS: Record<string, Command> = {
  serve: {
    spec: SERVE_SPEC,
    async run(_parsed, config, logger) {
      await serve(config, logger);
      return -1; // keeps running until a signal
    },
  },
  migrate: {
    spec: { usage: 'mailtrail migrate', help: 'Applies the database migrations (every command does so on start) and exits.' },
    async run(_parsed, config, logger) {
      await withDatabase(config, logger, async () => undefined);
      process.stdout.write('migrations are up to date\n');
      return 0;
    },
  },
  import: {
    spec: IMPORT_SPEC,
    quiet: true,
    async run(parsed, config, logger) {
      const options = importOptions(parsed);
      return withDatabase(config, logger, (db) => {
        // On stderr, so that --json output stays one JSON document.
        process.stderr.write(`mailtrail: importing into ${db.description}\n`);
        const importer = new ImportService(db.dataSource, logger, { chunkRecords: config.importChunkRecords });
        return runImport(importer, db.dataSource, parsed.positionals, options);
      });
    },
  },
  'api-key create': { spec: API_KEY_SPECS.create, quiet: true, run: withKeys(createKey) },
  'api-key list': { spec: API_KEY_SPECS.list, quiet: true, run: withKeys(listKeys) },
  'api-key revoke': { spec: API_KEY_SPECS.revoke, quiet: true, run: withKeys(revokeKey) },
  'emit-schema': {
    spec: { usage: 'mailtrail emit-schema', help: 'Writes schema/schema.graphql (the SDL the code serves) in the project.' },
    quiet: true,
    async run() {
      const file = path.join(PROJECT_ROOT, 'schema', 'schema.graphql');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, printMailtrailSchema(await buildMailtrailSchema()));
      process.stdout.write(`wrote ${file}\n`);
      return 0;
    },
  },
  'generate-migration': {
    spec: {
      usage: 'DATABASE_URL=postgres://... mailtrail generate-migration <Name>',
      help: 'Developers: writes migrations/<timestamp>-<Name>.ts with what the entities need beyond the migrations.',
      minPositionals: 1,
      maxPositionals: 1,
    },
    async run(parsed, config) {
      if (!config.databaseUrl) throw new UsageError('generate-migration needs DATABASE_URL (a scratch database is created there)', this.spec.usage);
      const file = await generateMigration(config.databaseUrl, parsed.positionals[0], path.join(PROJECT_ROOT, 'migrations'));
      process.stdout.write(file ? `wrote ${file}: add it to migrations/index.ts\n` : 'no changes: the migrations match the entities\n');
      return 0;
    },
  },
};

function version(): string {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).version;
}

/** The command named by argv and its own arguments (`api-key` takes a subcommand). */
function resolveCommand(argv: string[]): { name: string; command?: Command; args: string[] } {
  const [first, ...rest] = argv;
  if (first === 'api-key' && rest[0] && !rest[0].startsWith('-')) {
    const name = `api-key ${rest[0]}`;
    return { name, command: COMMANDS[name], args: rest.slice(1) };
  }
  return { name: first, command: COMMANDS[first], args: rest };
}

function usageError(message: string, usage: string): number {
  process.stderr.write(`mailtrail: ${message}\nusage: ${usage}\n(see --help)\n`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const [first] = argv;
  if (first === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = argv[1] ? resolveCommand(argv.slice(1)).command : undefined;
    process.stdout.write(topic ? helpText(topic.spec) : USAGE);
    return 0;
  }
  if (first === '--version' || first === '-V' || first === '-v') {
    process.stdout.write(`mailtrail ${version()}\n`);
    return 0;
  }
  const { name, command, args } = resolveCommand(argv);
  if (!command) {
    if (name === 'api-key') {
      if (args.includes('--help') || args.includes('-h')) {
        process.stdout.write(Object.values(API_KEY_SPECS).map(helpText).join('\n'));
        return 0;
      }
      return usageError('api-key needs a subcommand: create, list or revoke', 'mailtrail api-key create|list|revoke ...');
    }
    return usageError(`unknown command '${name}'`, 'mailtrail <command> [options]   (mailtrail --help lists them)');
  }

  let parsed: Parsed | null;
  try {
    parsed = parseCommand(command.spec, args);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, error.usage);
    throw error;
  }
  if (!parsed) {
    process.stdout.write(helpText(command.spec));
    return 0;
  }

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
  const logger = createLogger(command.quiet && !process.env.LOG_LEVEL ? 'warn' : config.logLevel);
  try {
    return await command.run(parsed, config, logger);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, error.usage);
    if (error instanceof EmbeddedDatabaseError || error instanceof ConfigError) {
      process.stderr.write(`mailtrail: ${error.message}\n`);
      return 1;
    }
    logger.error({ err: error }, 'command failed');
    process.stderr.write(`mailtrail: ${(error as Error).message}\n`);
    return 1;
  }
}
