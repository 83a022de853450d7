/** The `mailtrail` command as people use it, through the real bin: help, version, usage errors, API keys, import. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ApiKeyStore } from '../../src/api/http/auth';
import { fixture } from '../support/fixtures';
import { ROOT, runCli, tempDir } from '../support/cli';
import { startTestServer, type TestServer } from '../support/server';

const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const STACK = /\n\s+at /;

describe('help and version (exit 0, on stdout)', () => {
  test.each([
    [['--help'], /usage: mailtrail <command>/],
    [['help', 'import'], /usage: mailtrail import/],
    [['serve', '--help'], /usage: mailtrail serve/],
    [['migrate', '-h'], /usage: mailtrail migrate/],
    [['import', '--help'], /usage: mailtrail import \[--json\]/],
    [['api-key', '--help'], /mailtrail api-key create[\s\S]*mailtrail api-key list[\s\S]*mailtrail api-key revoke/],
    [['api-key', 'create', '--help'], /usage: mailtrail api-key create/],
    [['api-key', 'list', '--help'], /usage: mailtrail api-key list/],
    [['api-key', 'revoke', '--help'], /usage: mailtrail api-key revoke/],
    [['emit-schema', '--help'], /usage: mailtrail emit-schema/],
    [['generate-migration', '--help'], /mailtrail generate-migration <Name>/],
  ])('mailtrail %j', async (args, usage) => {
    // An invalid setting does not stand in the way of help.
    const { code, stdout, stderr } = await runCli(args, { env: { PORT: 'nonsense' } });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(usage);
  });

  test("the default data directory is the project's own, whatever the current folder", async () => {
    // Only --help: it names the folder without starting anything in it (the user's data stays untouched).
    const { code, stdout } = await runCli(['import', '--help'], { env: { MAILTRAIL_DATA_DIR: '', DATABASE_URL: '' } });
    expect(code).toBe(0);
    expect(stdout).toContain(`embedded PostgreSQL with its data in\n  ${path.join(ROOT, '.mailtrail')} (MAILTRAIL_DATA_DIR)`);
  });

  test('--version prints the package version', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `mailtrail ${VERSION}\n`, stderr: '' });
  });

  test('npx mailtrail (the bin, no npm banner) prints only the command output', async () => {
    const { stdout } = await promisify(execFile)('npm', ['exec', '--offline', '--', 'mailtrail', '--version'], { cwd: ROOT });
    expect(stdout).toBe(`mailtrail ${VERSION}\n`);
  });
});

describe('usage errors: a usage line on stderr, exit 2, nothing done', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  test.each([
    [[], /usage: mailtrail <command>/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['api-key'], /api-key needs a subcommand/],
    [['api-key', 'rotate'], /unknown command 'api-key rotate'/],
    [['api-key', 'create', '--name'], /Option '--name <value>' argument missing/],
    [['api-key', 'create', '--name', '--role', 'admin'], /Option '--name' argument is ambiguous/],
    [['api-key', 'create', '--role', 'root'], /--role must be reader, importer or admin \(got 'root'\)/],
    [['api-key', 'create', '--colour', 'blue'], /Unknown option '--colour'/],
    [['api-key', 'revoke'], /give either a key name or --id/],
    [['api-key', 'revoke', '--id', 'x1'], /--id must be a key id/],
    [['import'], /missing argument/],
    [['import', '--format'], /Option '--format <value>' argument missing/],
    [['import', '--format', 'XML', 'a.csv'], /--format XML is not a known format/],
    [['import', '--jsn', 'a.csv'], /Unknown option '--jsn'/],
    [['serve', 'now'], /unexpected argument 'now'/],
  ])('mailtrail %j', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args, { env: { DATABASE_URL: t.db.url } });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/usage: /);
    expect(stderr).not.toMatch(STACK);
    expect(stderr).not.toMatch(/SELECT|INSERT|violates/);
  });

  test('none of them created a key (e.g. one named "--role")', async () => {
    expect(await new ApiKeyStore(t.db.dataSource).list({ includeRevoked: true })).toEqual([
      expect.objectContaining({ name: 'test admin' }),
    ]);
  });
});

describe('api-key create, list and revoke', () => {
  let t: TestServer;
  const cli = (...args: string[]) => runCli(['api-key', ...args], { env: { DATABASE_URL: t.db.url } });
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  test('create prints the key once; list shows name, role, created and last used, never the key', async () => {
    const created = await cli('create', '--name', 'soar playbook', '--role', 'importer');
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^mt_[\w-]{32}$/);

    const before = await cli('list');
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/^ID\s+NAME\s+ROLE\s+CREATED\s+LAST USED\s+EXPIRES\n/);
    expect(before.stdout).toMatch(/\d+\s+soar playbook\s+importer\s+\d{4}-\d\d-\d\d \d\d:\d\dZ\s+-\s+-\n/);
    expect(before.stdout).not.toContain(key);

    // Using the key stamps last_used_at (to the minute: a second use within the minute writes nothing).
    const used = await t.gql('{ importBatches { totalCount } }', {}, { key });
    expect(used.body.data).toEqual({ importBatches: { totalCount: 0 } });
    const [first] = (await t.db.dataSource.query("SELECT last_used_at FROM api_key WHERE name = 'soar playbook'")) as { last_used_at: Date }[];
    expect(first.last_used_at).toBeInstanceOf(Date);
    await new ApiKeyStore(t.db.dataSource).authenticate(key); // a fresh store: no cache in between
    const [second] = (await t.db.dataSource.query("SELECT last_used_at FROM api_key WHERE name = 'soar playbook'")) as { last_used_at: Date }[];
    expect(second.last_used_at).toEqual(first.last_used_at);

    const after = JSON.parse((await cli('list', '--json')).stdout);
    expect(after.find((k: { name: string }) => k.name === 'soar playbook')).toMatchObject({ role: 'importer', revokedAt: null, lastUsedAt: first.last_used_at.toISOString() });
    expect(JSON.stringify(after)).not.toContain(key);
  });

  test('a second active key with the same name is refused', async () => {
    const again = await cli('create', '--name', 'soar playbook');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("an active key is already named 'soar playbook'");
    expect(again.stdout).toBe('');
  });

  test('revoke by name: the key stops working and leaves the list (list --all still shows it, revoked)', async () => {
    const key = (await cli('create', '--name', 'leaked', '--role', 'reader')).stdout.trim();
    expect(await new ApiKeyStore(t.db.dataSource).authenticate(key)).toMatchObject({ name: 'leaked', role: 'reader' });

    const revoked = await cli('revoke', 'leaked');
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(/^revoked key \d+ 'leaked'\n$/) });
    expect(await new ApiKeyStore(t.db.dataSource).authenticate(key)).toBeNull();
    expect((await cli('list')).stdout).not.toContain('leaked');
    expect((await cli('list', '--all')).stdout).toMatch(/leaked\s+reader\s+\S+ \S+\s+\S+( \S+)?\s+-\s+\d{4}-\d\d-\d\d \d\d:\d\dZ\n/);

    const unknown = await cli('revoke', 'leaked');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no active key is named 'leaked'");
  });

  test('a revocation by the CLI is effective on the running server at once, not after its key cache time', async () => {
    const key = (await cli('create', '--name', 'playbook 2', '--role', 'reader')).stdout.trim();
    expect((await t.gql('{ importBatches { totalCount } }', {}, { key })).status).toBe(200); // now cached
    expect((await cli('revoke', 'playbook 2')).code).toBe(0);
    // The server hears the change (NOTIFY) within milliseconds; the old cache time was 30 s.
    const deadline = Date.now() + 1_000;
    while (t.server.apiKeys.cachedKeys > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const refused = await t.gql('{ importBatches { totalCount } }', {}, { key });
    expect(refused.status).toBe(401);
  });

  test('create --expires: the key lists its expiry and is refused once it has passed', async () => {
    const created = await cli('create', '--name', 'contractor', '--expires', '30d');
    expect(created.code).toBe(0);
    const listed = JSON.parse((await cli('list', '--json')).stdout).find((k: { name: string }) => k.name === 'contractor');
    expect(new Date(listed.expiresAt).getTime() - Date.now()).toBeGreaterThan(29.9 * 86_400_000);
    expect((await cli('create', '--name', 'bad', '--expires', 'yesterday')).code).toBe(2);
    const soon = await new ApiKeyStore(t.db.dataSource).create({ name: 'soon', role: 'reader', expiresAt: new Date(Date.now() + 1_500) });
    expect((await t.gql('{ importBatches { totalCount } }', {}, { key: soon })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect((await t.gql('{ importBatches { totalCount } }', {}, { key: soon })).status).toBe(401);
  });

  test('create --org: the key belongs to that organisation (by slug or id); an unknown one is refused', async () => {
    const org = (await t.gql('mutation { createOrganization(name: "Northwind case") { id slug } }')).body.data.createOrganization;
    const bySlug = (await cli('create', '--name', 'northwind', '--org', org.slug)).stdout.trim();
    expect(await new ApiKeyStore(t.db.dataSource).authenticate(bySlug)).toMatchObject({ orgId: org.id, name: 'northwind' });
    const byId = (await cli('create', '--name', 'northwind 2', '--org', String(org.id))).stdout.trim();
    expect(await new ApiKeyStore(t.db.dataSource).authenticate(byId)).toMatchObject({ orgId: org.id });
    const unknown = await cli('create', '--name', 'nowhere', '--org', 'no-such-org');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no organisation has id or slug 'no-such-org'");
  });

  test('revoke --id when older data has two active keys with one name', async () => {
    const store = new ApiKeyStore(t.db.dataSource);
    await store.create({ name: 'twin', role: 'reader' });
    await store.create({ name: 'twin', role: 'reader' });
    const ambiguous = await cli('revoke', 'twin');
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/2 active keys are named 'twin' \(ids \d+, \d+\): revoke one with --id/);
    const [one] = await store.activeNamed('twin');
    expect((await cli('revoke', '--id', String(one.id))).code).toBe(0);
    expect(await store.activeNamed('twin')).toHaveLength(1);
  });
});

describe('import: says where it writes, prints clean JSON, and fails on files it could not read to the end', () => {
  let t: TestServer;
  const work = tempDir('cli-import');
  beforeAll(async () => {
    t = await startTestServer();
    // A .gz cut short, and a .zip missing its second half.
    const gz = fs.readFileSync(fixture('management-api.json.gz'));
    fs.writeFileSync(path.join(work, 'cut.json.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    const zip = fs.readFileSync(fixture('exports.zip'));
    fs.writeFileSync(path.join(work, 'cut.zip'), zip.subarray(0, Math.floor(zip.length / 2)));
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(work, { recursive: true, force: true });
  });
  const run = (args: string[], env: Record<string, string> = { DATABASE_URL: t.db.url }) => runCli(['import', ...args], { env });

  test('names the database it writes to, without its password; --json stdout is one JSON document', async () => {
    const { code, stdout, stderr } = await run(['--json', fixture('audit.ndjson')]);
    expect(code).toBe(0);
    const url = new URL(t.db.url);
    expect(stderr).toContain(`mailtrail: importing into postgres://${url.username}@${url.host}${url.pathname}\n`);
    if (url.password) expect(stderr).not.toContain(url.password);
    expect(JSON.parse(stdout).totals).toMatchObject({ files: 1, failedFiles: 0, recordsRead: 39 });
  });

  test('a truncated .gz exits 1 and names the file; the records before the damage are kept', async () => {
    const { code, stdout } = await run([path.join(work, 'cut.json.gz')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^PARTIAL cut\.json\.gz /m);
    expect(stdout).toContain(`the end of ${path.join(work, 'cut.json.gz')} could not be read (compressed data is damaged or truncated`);
    expect(stdout).toMatch(/1 file\(s\) failed/);

    const json = await run(['--json', path.join(work, 'cut.json.gz')]);
    expect(json.code).toBe(1);
    const summary = JSON.parse(json.stdout);
    expect(summary.totals.failedFiles).toBe(1);
    expect(summary.files[0].error).toMatch(/could not be read/);
    expect(summary.totals.recordsRead).toBeGreaterThan(0);
  });

  test('a truncated .zip exits 1 and names the file', async () => {
    const { code, stdout } = await run([path.join(work, 'cut.zip')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAILED cut\.zip/);
  });

  test('with the embedded PostgreSQL it names the data folder', async () => {
    const dataDir = tempDir('cli-import-embedded');
    try {
      const { code, stderr } = await runCli(['import', fixture('audit.ndjson')], { dataDir, env: { DATABASE_URL: '' } });
      expect(stderr).toContain(`mailtrail: importing into embedded PostgreSQL, data in `);
      expect(stderr).toMatch(/data in \S*\/pg\n/);
      expect(code).toBe(0);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
