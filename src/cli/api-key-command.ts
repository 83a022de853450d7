/** `mailtrail api-key create | list | revoke`: manage API keys. The key text is printed once, at creation, never again. */
import { ApiKeyStore, type ApiKeySummary } from '../api/auth';
import type { ApiKeyRole } from '../model/api-key.entity';
import { UsageError, type CommandSpec, type Parsed } from './args';

const ROLES: ApiKeyRole[] = ['reader', 'importer', 'admin'];

export const API_KEY_SPECS: Record<'create' | 'list' | 'revoke', CommandSpec> = {
  create: {
    usage: 'mailtrail api-key create [--role reader|importer|admin] [--name NAME]',
    help: `Creates an API key and prints it once on stdout (only its SHA-256 is stored).

  --role ROLE   reader (queries), importer (queries and imports) or admin; default reader
  --name NAME   a name to list and revoke it by, unique among active keys; default "<role> key <time>"`,
    options: { role: { type: 'string' }, name: { type: 'string' } },
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
within 30 seconds.`,
    options: { id: { type: 'string' } },
    maxPositionals: 1,
  },
};

const iso = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') + 'Z' : '-');

function table(keys: ApiKeySummary[], withRevoked: boolean): string {
  const header = ['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', ...(withRevoked ? ['REVOKED'] : [])];
  const rows = keys.map((k) => [String(k.id), k.name, k.role, iso(k.createdAt), iso(k.lastUsedAt), ...(withRevoked ? [iso(k.revokedAt)] : [])]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

export async function createKey(keys: ApiKeyStore, parsed: Parsed): Promise<number> {
  const role = (parsed.values.role ?? 'reader') as ApiKeyRole;
  if (!ROLES.includes(role)) throw new UsageError(`--role must be reader, importer or admin (got '${role}')`, API_KEY_SPECS.create.usage);
  const name = ((parsed.values.name as string | undefined) ?? `${role} key ${new Date().toISOString().slice(0, 19)}Z`).trim();
  if (!name) throw new UsageError('--name must not be empty', API_KEY_SPECS.create.usage);
  if ((await keys.activeNamed(name)).length > 0) {
    process.stderr.write(`mailtrail: an active key is already named '${name}': choose another name, or revoke it first.\n`);
    return 1;
  }
  process.stdout.write((await keys.create({ name, role })) + '\n');
  return 0;
}

export async function listKeys(keys: ApiKeyStore, parsed: Parsed): Promise<number> {
  const all = Boolean(parsed.values.all);
  const list = await keys.list({ includeRevoked: all });
  process.stdout.write(parsed.values.json ? JSON.stringify(list, null, 2) + '\n' : table(list, all));
  return 0;
}

export async function revokeKey(keys: ApiKeyStore, parsed: Parsed): Promise<number> {
  const [name] = parsed.positionals;
  const idText = parsed.values.id as string | undefined;
  if ((name === undefined) === (idText === undefined)) throw new UsageError('give a key name or --id, not both', API_KEY_SPECS.revoke.usage);
  let id: number;
  if (idText !== undefined) {
    id = Number(idText);
    if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`--id must be a key id from 'api-key list' (got '${idText}')`, API_KEY_SPECS.revoke.usage);
  } else {
    const named = await keys.activeNamed(name);
    if (named.length === 0) {
      process.stderr.write(`mailtrail: no active key is named '${name}' (see mailtrail api-key list).\n`);
      return 1;
    }
    if (named.length > 1) {
      process.stderr.write(`mailtrail: ${named.length} active keys are named '${name}' (ids ${named.map((k) => k.id).join(', ')}): revoke one with --id.\n`);
      return 1;
    }
    id = named[0].id;
  }
  if (!(await keys.revoke(id))) {
    process.stderr.write(`mailtrail: no active key has id ${id} (see mailtrail api-key list --all).\n`);
    return 1;
  }
  process.stdout.write(`revoked key ${id}${name ? ` '${name}'` : ''}\n`);
  return 0;
}
