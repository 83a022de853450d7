/**
 * The `mailtrail` command: serve | migrate | import | timeline | verify | api-key create|list|revoke | org create|list|rename |
 * tag add|remove|list |
 * emit-schema | generate-migration.
 * Configuration comes from environment variables (src/config.ts, documented in the README). Exit status: 0 done,
 * 1 failed, 2 usage error (unknown command or flag, missing value), with the usage line on stderr.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, PROJECT_ROOT, type Config } from '../config';
import { helpText, parseCommand, UsageError, type CommandSpec, type Parsed } from './args';
import { API_KEY_SPECS, EMIT_SCHEMA_SPEC, GENERATE_MIGRATION_SPEC, IMPORT_SPEC, MIGRATE_SPEC, ORG_SPECS, SERVE_SPEC, TAG_SPECS, TIMELINE_SPEC, VERIFY_SPEC } from './specs';

const USAGE = `usage: mailtrail <command> [options]

  serve                      start the API (GraphiQL at http://HOST:PORT/)
  migrate                    apply database migrations and exit
  import [--json] [--format F] <files or folders...>
                             load audit exports (CSV/JSON/NDJSON, .gz, .zip)
  timeline [--mailbox UPN] [--session ID] [--ip IP] [--from T] [--to T] [--format F] [--out FILE]
                             export a timeline (Timesketch JSONL/CSV or plain CSV)
  verify [--json]            re-hash every record's original text; exit 1 on a mismatch
  api-key create [--role reader|importer|admin] [--name NAME] [--expires WHEN] [--org ORG]
                             create an API key and print it once
  api-key list [--all] [--json]
                             list API keys (name, role, created, last used; never the key)
  api-key revoke <name> | --id ID
                             revoke an API key
  org create <name> | org list | org rename <id|slug> <new name>   [--json]
                             organisations (client tenants or cases) whose data keys see
  tag add <IP|SESSION|APP|MAILBOX> <target> <label> [--note TEXT]
                             tag an IP, session, app or mailbox (malicious, office-nat, ...)
  tag remove <kind> <target> <label>
                             remove a tag
  tag list [--kind K] [--label L] [--json]
                             list the tags
  emit-schema                write schema/schema.graphql from the code
  generate-migration <Name>  (developers) write a migration for entity changes

  mailtrail <command> --help   what a command does and its options
  mailtrail --version

Environment: DATABASE_URL (unset = embedded PostgreSQL), HOST, PORT, MAILTRAIL_DATA_DIR, MAILTRAIL_API_KEY, ... (see README).
`;

/** Commands whose stdout is their output keep logs at warn unless LOG_LEVEL says otherwise. */
const QUIET = new Set(['import', 'timeline', 'verify', 'api-key create', 'api-key list', 'api-key revoke', 'org create', 'org list', 'org rename', 'tag add', 'tag remove', 'tag list', 'emit-schema']);

const SPECS: Record<string, CommandSpec> = {
  serve: SERVE_SPEC,
  migrate: MIGRATE_SPEC,
  import: IMPORT_SPEC,
  timeline: TIMELINE_SPEC,
  verify: VERIFY_SPEC,
  'api-key create': API_KEY_SPECS.create,
  'api-key list': API_KEY_SPECS.list,
  'api-key revoke': API_KEY_SPECS.revoke,
  'org create': ORG_SPECS.create,
  'org list': ORG_SPECS.list,
  'org rename': ORG_SPECS.rename,
  'tag add': TAG_SPECS.add,
  'tag remove': TAG_SPECS.remove,
  'tag list': TAG_SPECS.list,
  'emit-schema': EMIT_SCHEMA_SPEC,
  'generate-migration': GENERATE_MIGRATION_SPEC,
};

function version(): string {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).version;
}

/** Commands that take a subcommand, and theirs. */
const GROUPS: Record<string, Record<string, CommandSpec>> = { 'api-key': API_KEY_SPECS, org: ORG_SPECS, tag: TAG_SPECS };

/** The command named by argv and its own arguments (`api-key`, `org` and `tag` take a subcommand). */
function resolveCommand(argv: string[]): { name: string; spec?: CommandSpec; args: string[] } {
  const [first, ...rest] = argv;
  const name = Object.hasOwn(GROUPS, first) && rest[0] && !rest[0].startsWith('-') ? `${first} ${rest.shift()}` : first;
  return { name, spec: Object.hasOwn(SPECS, name) ? SPECS[name] : undefined, args: rest };
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
    const topic = argv[1] ? resolveCommand(argv.slice(1)).spec : undefined;
    process.stdout.write(topic ? helpText(topic) : USAGE);
    return 0;
  }
  if (first === '--version' || first === '-V' || first === '-v') {
    process.stdout.write(`mailtrail ${version()}\n`);
    return 0;
  }
  const { name, spec, args } = resolveCommand(argv);
  if (!spec) {
    if (Object.hasOwn(GROUPS, name)) {
      if (args.includes('--help') || args.includes('-h')) {
        process.stdout.write(Object.values(GROUPS[name]).map(helpText).join('\n'));
        return 0;
      }
      const subcommands = Object.keys(GROUPS[name]);
      return usageError(`${name} needs a subcommand: ${subcommands.join(', ')}`, `mailtrail ${name} ${subcommands.join('|')} ...`);
    }
    return usageError(`unknown command '${name}'`, 'mailtrail <command> [options]   (mailtrail --help lists them)');
  }

  let parsed: Parsed | null;
  try {
    parsed = parseCommand(spec, args);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, error.usage);
    throw error;
  }
  if (!parsed) {
    process.stdout.write(helpText(spec));
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
  // The database and API code load only now: help, version and usage errors answer without it.
  const { createLogger } = require('../logger') as typeof import('../logger');
  const { RUN, EmbeddedDatabaseError } = require('./commands') as typeof import('./commands');
  const logger = createLogger(QUIET.has(name) && !process.env.LOG_LEVEL ? 'warn' : config.logLevel);
  try {
    return await RUN[name](parsed, config, logger);
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
