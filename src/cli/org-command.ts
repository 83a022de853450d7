/** `mailtrail org create | list | rename`: organisations (one per client tenant or case) without SQL. */
import type { DataSource } from 'typeorm';
import { OrganizationService, type OrganizationNode } from '../api/services/organization.service';
import { UserInputError } from '../errors';
import type { Parsed } from './args';
import { refusing } from './refusals';
import { formatTable, tableTime } from './table';

const table = (orgs: OrganizationNode[]) =>
  formatTable(['ID', 'SLUG', 'NAME', 'CREATED'], orgs.map((o) => [String(o.id), o.slug, o.name, tableTime(o.createdAt)]));

const print = (parsed: Parsed, org: OrganizationNode, words: string) =>
  process.stdout.write(parsed.values.json ? JSON.stringify(org) + '\n' : `${words} organisation ${org.id} '${org.name}' (slug ${org.slug})\n`);


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
