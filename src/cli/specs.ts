/**
 * What each command accepts and says in --help. Kept apart from the commands themselves so that `--help`,
 * `--version` and usage errors answer at once, without loading the database and API code.
 */
import { dataDirFrom } from '../config';
import { IMPORT_FORMATS } from '../import/types';
import { TIMELINE_FORMATS } from '../export/timeline-formats';
import type { CommandSpec } from './args';

/** Where the embedded PostgreSQL lives for this environment: the same folder wherever the command is run. */
const DATABASE_HELP = `Database: DATABASE_URL when set; otherwise the embedded PostgreSQL with its data in
  ${dataDirFrom(process.env)} (MAILTRAIL_DATA_DIR)`;

export const API_KEY_ROLES = ['reader', 'importer', 'admin'] as const;

export const SERVE_SPEC: CommandSpec = {
  usage: 'mailtrail serve',
  help: `Starts the API: GraphQL at http://HOST:PORT/graphql, GraphiQL at http://HOST:PORT/, uploads at POST /imports.
Without DATABASE_URL it starts (and supervises) the embedded PostgreSQL in MAILTRAIL_DATA_DIR. On the first start it
creates an admin API key and writes it to MAILTRAIL_DATA_DIR/api-key. SIGINT, SIGTERM or SIGHUP stop the server
and the embedded PostgreSQL. Settings are environment variables (see the README).

${DATABASE_HELP}`,
};

/** When a key given `--expires WHEN` expires (30d, or an ISO 8601 time in the future), or null if WHEN is not one. */
export function expiryFrom(when: string, now = new Date()): Date | null {
  const days = /^(\d{1,5})d$/.exec(when.trim());
  const at = days ? new Date(now.getTime() + Number(days[1]) * 86_400_000) : new Date(when);
  return Number.isNaN(at.getTime()) || at <= now ? null : at;
}

export const MIGRATE_SPEC: CommandSpec = {
  usage: 'mailtrail migrate',
  help: `Applies the database migrations (every command does so on start) and exits.\n\n${DATABASE_HELP}`,
};

export const IMPORT_SPEC: CommandSpec = {
  usage: 'mailtrail import [--json] [--format FORMAT] <files or folders...>',
  help: `Loads audit exports (CSV, JSON, NDJSON; plain, .gz or .zip) into the database and prints a summary per file.
Folders are read recursively (hidden files skipped). Re-importing a file adds nothing twice.
Exit status: 0 when every file was read to its end, 1 when a file failed or its end could not be read
(truncated or damaged), 2 on a usage error.

  --format FORMAT   AUTO (default) or one of: ${IMPORT_FORMATS.join(', ')}
  --json            print one JSON document on stdout (the API's ImportBatch shape) and nothing else

${DATABASE_HELP}`,
  options: { json: { type: 'boolean' }, format: { type: 'string' } },
  maxPositionals: Infinity,
  minPositionals: 1,
  check: ({ values }) => {
    const format = typeof values.format === 'string' ? values.format.toUpperCase() : 'AUTO';
    return format === 'AUTO' || (IMPORT_FORMATS as readonly string[]).includes(format)
      ? null
      : `--format ${format} is not a known format. Use one of: AUTO, ${IMPORT_FORMATS.join(', ')}.`;
  },
};

export const TIMELINE_SPEC: CommandSpec = {
  usage: 'mailtrail timeline [--mailbox UPN] [--session ID] [--ip IP] [--from T] [--to T] [--format F] [--out FILE]',
  help: `Writes the audit records of a mailbox, a session or an IP (at least one; several narrow further) in a window,
oldest first, to stdout or FILE: Timesketch JSONL or CSV (message, datetime, timestamp_desc and the record's fields)
or a plain CSV. Streams from a database cursor: any size, constant memory. The same export is GET /exports/timeline.

  --format F   ${TIMELINE_FORMATS.join(' (default), ')}
  --from, --to ISO-8601 times (UTC unless a zone is given) or epoch milliseconds, inclusive

${DATABASE_HELP}`,
  options: {
    mailbox: { type: 'string' },
    session: { type: 'string' },
    ip: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  },
};

export const API_KEY_SPECS: Record<'create' | 'list' | 'revoke', CommandSpec> = {
  create: {
    usage: 'mailtrail api-key create [--role reader|importer|admin] [--name NAME] [--expires WHEN] [--org ORG]',
    help: `Creates an API key and prints it once on stdout (only its SHA-256 is stored).

  --role ROLE   reader (queries), importer (queries and imports) or admin; default reader
  --name NAME   a name to list and revoke it by, unique among active keys; default "<role> key <time>"
  --expires WHEN  refuse the key after WHEN: a number of days (30d) or an ISO 8601 time; default never
  --org ORG     the organisation (id or slug; see the organizations query) whose data the key sees; default 1`,
    options: { role: { type: 'string' }, name: { type: 'string' }, expires: { type: 'string' }, org: { type: 'string' } },
    check: ({ values }) => {
      if (values.expires !== undefined && !expiryFrom(values.expires as string)) {
        return `--expires must be a number of days such as 30d, or a future ISO 8601 time (got '${values.expires}')`;
      }
      if (values.role !== undefined && !(API_KEY_ROLES as readonly unknown[]).includes(values.role)) {
        return `--role must be reader, importer or admin (got '${values.role}')`;
      }
      return typeof values.name === 'string' && !values.name.trim() ? '--name must not be empty' : null;
    },
  },
  list: {
    usage: 'mailtrail api-key list [--all] [--json]',
    help: `Lists the active API keys: id, name, role, when created and when last used (to the minute). Never the key.

  --all    include revoked keys
  --json   print JSON instead of a table`,
    options: { all: { type: 'boolean' }, json: { type: 'boolean' } },
  },
  revoke: {
    usage: 'mailtrail api-key revoke <name> | --id ID',
    help: `Revokes an active API key by its name (or by id when several share a name). Running servers refuse it
from its next request on.`,
    options: { id: { type: 'string' } },
    maxPositionals: 1,
    check: ({ values, positionals }) => {
      if ((positionals.length === 0) === (values.id === undefined)) return 'give either a key name or --id';
      const id = Number(values.id);
      return values.id === undefined || (Number.isSafeInteger(id) && id > 0) ? null : `--id must be a key id from 'api-key list' (got '${values.id}')`;
    },
  },
};

const nameGiven = (name: string | undefined) => (name !== undefined && !name.trim() ? 'the organisation name must not be empty' : null);

export const ORG_SPECS: Record<'create' | 'list' | 'rename', CommandSpec> = {
  create: {
    usage: 'mailtrail org create <name> [--json]',
    help: `Creates an organisation (a client tenant or a case) and prints its id and slug. Its data is seen only by
API keys created for it: mailtrail api-key create --org <slug>. The slug is derived from the name and never changes.

  --json   print the organisation as JSON

${DATABASE_HELP}`,
    options: { json: { type: 'boolean' } },
    minPositionals: 1,
    maxPositionals: 1,
    check: ({ positionals }) => nameGiven(positionals[0]),
  },
  list: {
    usage: 'mailtrail org list [--json]',
    help: `Lists every organisation: id, slug, name, when created.

  --json   print JSON instead of a table`,
    options: { json: { type: 'boolean' } },
  },
  rename: {
    usage: 'mailtrail org rename <id|slug> <new name> [--json]',
    help: `Renames an organisation. Its id and slug stay, so keys and scripts that name it keep working.

  --json   print the organisation as JSON`,
    options: { json: { type: 'boolean' } },
    minPositionals: 2,
    maxPositionals: 2,
    check: ({ positionals }) => nameGiven(positionals[1]),
  },
};

const TAG_KINDS = ['IP', 'SESSION', 'APP', 'MAILBOX'];
const kindCheck = (kind: unknown) =>
  typeof kind === 'string' && TAG_KINDS.includes(kind.toUpperCase()) ? null : `the kind must be one of ${TAG_KINDS.join(', ')} (got '${kind}')`;

export const TAG_SPECS: Record<'add' | 'remove' | 'list', CommandSpec> = {
  add: {
    usage: 'mailtrail tag add <IP|SESSION|APP|MAILBOX> <target> <label> [--note TEXT] [--org ORG]',
    help: `Tags an IP (any spelling), a session id, an app id or a mailbox UPN with a label: malicious, suspicious, benign,
office-nat, microsoft, or your own. Recorded as set by 'cli', now. Tagging again with the same label replaces the note.
Tags show on every object in the API, filter the lists (tagged / notTagged) and can leave targets out of pivot
and exposure (excludeTagged).

  --note TEXT   why
  --org ORG     the organisation (id or slug); default 1`,
    options: { note: { type: 'string' }, org: { type: 'string' } },
    minPositionals: 3,
    maxPositionals: 3,
    check: ({ positionals }) => kindCheck(positionals[0]),
  },
  remove: {
    usage: 'mailtrail tag remove <IP|SESSION|APP|MAILBOX> <target> <label> [--org ORG]',
    help: 'Removes a tag. Exit status 1 when the target did not carry that label.',
    options: { org: { type: 'string' } },
    minPositionals: 3,
    maxPositionals: 3,
    check: ({ positionals }) => kindCheck(positionals[0]),
  },
  list: {
    usage: 'mailtrail tag list [--kind IP|SESSION|APP|MAILBOX] [--label LABEL] [--org ORG] [--json]',
    help: `Lists the tags, newest first: kind, target, label, who set it and when, note.

  --json   print JSON instead of a table`,
    options: { kind: { type: 'string' }, label: { type: 'string' }, org: { type: 'string' }, json: { type: 'boolean' } },
    check: ({ values }) => (values.kind === undefined ? null : kindCheck(values.kind)),
  },
};

export const VERIFY_SPEC: CommandSpec = {
  usage: 'mailtrail verify [--json]',
  help: `Re-reads every stored record's original text and re-computes its SHA-256 against the one taken at import.
Records imported before evidence blocks existed (kept as jsonb, not byte-exact) are checked on their jsonb text and
counted apart. Exit status: 0 when everything matches, 1 on any mismatch.

  --json   print the report as one JSON document

${DATABASE_HELP}`,
  options: { json: { type: 'boolean' } },
};

export const EMIT_SCHEMA_SPEC: CommandSpec = {
  usage: 'mailtrail emit-schema',
  help: 'Writes schema/schema.graphql (the SDL the code serves) in the project.',
};

export const GENERATE_MIGRATION_SPEC: CommandSpec = {
  usage: 'DATABASE_URL=postgres://... mailtrail generate-migration <Name>',
  help: 'Developers: writes migrations/<timestamp>-<Name>.ts with what the entities need beyond the migrations.',
  minPositionals: 1,
  maxPositionals: 1,
};
