/** Issue 12, organisations without SQL: admin keys list, create and rename them; a key sees only its own org. */
import fs from 'node:fs';
import { ApiKeyStore } from '../../src/api/http/auth';
import { fixture } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';
import { runCli } from '../support/cli';

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

describe('mailtrail org (CLI)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());
  const org = (...args: string[]) => runCli(['org', ...args], { env: { DATABASE_URL: t.db.url } });

  test('create, list, rename: the slug stays; a key created for it sees only its data', async () => {
    const created = await org('create', 'Case 7 / Contoso', '--json');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const made = JSON.parse(created.stdout);
    expect(made).toMatchObject({ slug: 'case-7-contoso', name: 'Case 7 / Contoso' });
    const renamed = await org('rename', 'case-7-contoso', 'Contoso BEC');
    expect(renamed).toMatchObject({ code: 0, stdout: `renamed organisation ${made.id} 'Contoso BEC' (slug case-7-contoso)\n` });
    const table = await org('list');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+SLUG\s+NAME\s+CREATED$/);
    expect(table.stdout).toMatch(new RegExp(`^${made.id}\\s+case-7-contoso\\s+Contoso BEC\\s`, 'm'));
    const listed = JSON.parse((await org('list', '--json')).stdout);
    expect(listed.map((o: any) => [o.id, o.slug, o.name])).toEqual([[1, 'default', 'Default organisation'], [made.id, 'case-7-contoso', 'Contoso BEC']]);
    const key = await runCli(['api-key', 'create', '--name', 'contoso reader', '--org', 'case-7-contoso'], { env: { DATABASE_URL: t.db.url } });
    expect(key.code).toBe(0);
    const { body } = await t.gql('{ importBatches { totalCount } }', undefined, { key: key.stdout.trim() });
    expect(body.data.importBatches.totalCount).toBe(0);
  });

  test('a taken handle and an unknown organisation are refused with exit 1 and a message', async () => {
    await org('create', 'Northwind');
    const again = await org('create', 'NORTHWIND');
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toMatch(/handle 'northwind' already exists/);
    const missing = await org('rename', 'no-such-org', 'x');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No organisation has id or slug 'no-such-org'/);
    expect(JSON.parse((await org('list', '--json')).stdout).filter((o: any) => o.slug === 'northwind')).toHaveLength(1);
  });

  test('usage errors exit 2 with the usage line; --help answers without a database', async () => {
    for (const args of [['create'], ['create', '  '], ['rename', 'northwind'], ['list', 'extra'], ['frobnicate'], [], ['create', 'x', '--colour']]) {
      const result = await org(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(/usage: mailtrail/);
    }
    const help = await runCli(['org', '--help'], { env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/mailtrail org create <name>[\s\S]*mailtrail org list[\s\S]*mailtrail org rename <id\|slug> <new name>/);
    const one = await runCli(['org', 'rename', '--help'], { env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
    expect(one.stdout).toMatch(/id and slug stay/);
  });
});
