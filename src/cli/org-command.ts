/** `mailtrail org create | list | rename`: organisations (one per client tenant or case) without SQL. */
import type { DataSource } from 'typeorm';
import { OrganizationService, type OrganizationNode } from '../api/services/organization.service';
import { UserInputError } from '../errors';
import type { Parsed } from './args';
import { formatTable } from './table';

const table = (orgs: OrganizationNode[]) =>
  formatTable(['ID', 'SLUG', 'NAME', 'CREATED'], orgs.map((o) => [String(o.id), o.slug, o.name, o.createdAt.toISOString().slice(0, 16).replace('T', ' ') + 'Z']));

const print = (parsed: Parsed, org: OrganizationNode, words: string) =>
  process.stdout.write(parsed.values.json ? JSON.stringify(org) + '\n' : `${words} organisation ${org.id} '${org.name}' (slug ${org.slug})\n`);

/** A refusal the user can fix (a taken slug, an unknown id) is a message and exit 1, not a logged failure. */
async function refusing(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    process.stderr.write(`mailtrail: ${error.message}\n`);
    return 1;
  }
}

export function createOrg(db: DataSource, parsed: Parsed): Promise<number> {
  return refusing(async () => {
    const org = await new OrganizationService(db).create(parsed.positionals[0]);
    print(parsed, org, 'created');
    return 0;
  });
}

export async function listOrgs(db: DataSource, parsed: Parsed): Promise<number> {
  const orgs = await new OrganizationService(db).list();
  process.stdout.write(parsed.values.json ? JSON.stringify(orgs, null, 2) + '\n' : table(orgs));
  return 0;
}

export function renameOrg(db: DataSource, parsed: Parsed): Promise<number> {
  return refusing(async () => {
    const [idOrSlug, name] = parsed.positionals;
    const service = new OrganizationService(db);
    const found = await service.find(idOrSlug);
    if (!found) throw new UserInputError(`No organisation has id or slug '${idOrSlug}' (see mailtrail org list).`);
    print(parsed, await service.rename(found.id, name), 'renamed');
    return 0;
  });
}
