/** Issue 12, organisations without SQL: admin keys list, create and rename them; a key sees only its own org. */
import fs from 'node:fs';
import { ApiKeyStore } from '../../src/api/http/auth';
import { fixture } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';

describe('organisations', () => {
  let t: TestServer;
  let reader: string;
  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '0' });
    reader = await new ApiKeyStore(t.db.dataSource).create({ name: 'reader', role: 'reader' });
    await t.importer.importContent(fs.readFileSync(fixture('audit.ndjson'), 'utf8'), { orgId: 1, source: 'cli', fileName: 'audit.ndjson' });
  });
  afterAll(async () => t.close());

  test('a reader may neither list nor create them (403 before anything runs)', async () => {
    expect((await t.gql('{ organizations { id } }', undefined, { key: reader })).status).toBe(403);
    expect((await t.gql('mutation { createOrganization(name: "x") { id } }', undefined, { key: reader })).status).toBe(403);
    expect((await t.db.dataSource.query('SELECT count(*)::int AS n FROM organization'))[0].n).toBe(1);
  });

  test('an admin creates, lists and renames one; the slug stays; a second with the same handle is refused', async () => {
    const created = (await t.gql('mutation { createOrganization(name: "Case 42 / Fabrikam") { id slug name } }')).body.data.createOrganization;
    expect(created).toMatchObject({ slug: 'case-42-fabrikam', name: 'Case 42 / Fabrikam' });
    const renamed = (await t.gql(`mutation { renameOrganization(id: ${created.id}, name: "Fabrikam BEC") { id slug name } }`)).body.data.renameOrganization;
    expect(renamed).toEqual({ id: created.id, slug: 'case-42-fabrikam', name: 'Fabrikam BEC' });
    const listed = (await t.gql('{ organizations { id slug name } }')).body.data.organizations;
    expect(listed.map((o: any) => o.slug)).toEqual(['default', 'case-42-fabrikam']);
    const again = await t.gql('mutation { createOrganization(name: "case 42: fabrikam") { id } }');
    expect(again.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/already exists/) });
  });

  test("a key of another organisation sees none of the default organisation's data", async () => {
    const [org] = (await t.gql('{ organizations { id slug } }')).body.data.organizations.filter((o: any) => o.slug !== 'default');
    const other = await new ApiKeyStore(t.db.dataSource).create({ name: 'fabrikam', role: 'reader', orgId: org.id });
    expect((await t.gql('{ importBatches { totalCount } }')).body.data.importBatches.totalCount).toBe(1);
    expect((await t.gql('{ importBatches { totalCount } sessions { totalCount } }', undefined, { key: other })).body.data).toEqual({
      importBatches: { totalCount: 0 },
      sessions: { totalCount: 0 },
    });
  });
});
