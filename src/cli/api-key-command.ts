/** `mailtrail api-key create | list | revoke`: manage API keys. The key text is printed once, at creation, never again. */
import { ApiKeyStore, type ApiKeySummary } from '../api/http/auth';
import type { ApiKeyRole } from '../model/api-key.entity';
import type { Parsed } from './args';
import { expiryFrom } from './specs';
import { formatTable, tableTime } from './table';
import { OrganizationService } from '../api/services/organization.service';

function table(keys: ApiKeySummary[], withRevoked: boolean): string {
  const header = ['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', 'EXPIRES', ...(withRevoked ? ['REVOKED'] : [])];
  return formatTable(header, keys.map((k) => [String(k.id), k.name, k.role, tableTime(k.createdAt), tableTime(k.lastUsedAt), tableTime(k.expiresAt), ...(withRevoked ? [tableTime(k.revokedAt)] : [])]));
}

export async function createKey(keys: ApiKeyStore, parsed: Parsed): Promise<number> {
  // Values were checked when the arguments were parsed (specs.ts).
  const role = (parsed.values.role ?? 'reader') as ApiKeyRole;
  const name = ((parsed.values.name as string | undefined) ?? `${role} key ${new Date().toISOString().slice(0, 19)}Z`).trim();
  if ((await keys.activeNamed(name)).length > 0) {
    process.stderr.write(`mailtrail: an active key is already named '${name}': choose another name, or revoke it first.\n`);
    return 1;
  }
  const expiresAt = parsed.values.expires === undefined ? null : expiryFrom(parsed.values.expires as string);
  const orgText = parsed.values.org as string | undefined;
  const org = orgText === undefined ? null : await new OrganizationService(keys.dataSource).find(orgText);
  if (orgText !== undefined && !org) {
    process.stderr.write(`mailtrail: no organisation has id or slug '${orgText}'.\n`);
    return 1;
  }
  process.stdout.write((await keys.create({ name, role, expiresAt, orgId: org?.id })) + '\n');
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
  let id: number;
  if (idText !== undefined) {
    id = Number(idText);
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
