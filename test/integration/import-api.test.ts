/** Importing through the API (a SOAR playbook's inline blob, a large upload) and the CLI. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ApiKeyStore } from '../../src/api/http/auth';
import { startTestServer, type TestServer } from '../support/server';
import { fixture } from '../support/fixtures';
import { runCli } from '../support/cli';

const CONTRACT = path.join(__dirname, '../../contract');

describe('importing through the API', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ MAX_INLINE_IMPORT_BYTES: '1mb' });
  });
  afterAll(async () => t.close());

  test('contract 07: a SOAR playbook pushes a Management API content blob as it is', async () => {
    const mutation = fs.readFileSync(path.join(CONTRACT, '07-import.graphql'), 'utf8');
    const content = fs.readFileSync(fixture('management-api.json'), 'utf8');
    const { body } = await t.gql(mutation, { content, fileName: 'blob-1.json' });
    expect(body.errors).toBeUndefined();
    expect(body.data.importAuditLog).toMatchObject({
      status: 'SUCCEEDED',
      format: 'MANAGEMENT_API_JSON',
      recordsRead: 40,
      recordsInserted: 39,
      duplicates: 1,
      rejected: 0,
      warnings: [],
      rejections: { edges: [] },
    });
    expect(body.data.importAuditLog.sha256).toMatch(/^[0-9a-f]{64}$/);

    const again = await t.gql(mutation, { content, fileName: 'blob-1.json' });
    expect(again.body.data.importAuditLog).toMatchObject({ recordsInserted: 0, duplicates: 40 });
  });

  test('rejections are returned with line, reason and excerpt', async () => {
    const mutation = fs.readFileSync(path.join(CONTRACT, '07-import.graphql'), 'utf8');
    const { body } = await t.gql(mutation, { content: fs.readFileSync(fixture('truncated.ndjson'), 'utf8') });
    expect(body.data.importAuditLog.rejected).toBe(2);
    expect(body.data.importAuditLog.rejections.edges.map((e: { node: { line: number } }) => e.node.line)).toEqual([3, 6]);
    for (const { node } of body.data.importAuditLog.rejections.edges) {
      expect(node.reason.length).toBeGreaterThan(5);
      expect(node.excerpt.length).toBeGreaterThan(0);
    }
  });

  test('content over the inline limit is refused with a clear error that points to POST /imports', async () => {
    const big = 'x'.repeat(1024 * 1024 + 10);
    const { body } = await t.gql('mutation($c: String!) { importAuditLog(input: { content: $c }) { id } }', { c: big });
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toMatch(/limited to 1048576 bytes.*POST \/imports/);
  });

  test('content that is not an audit export is refused with what was expected', async () => {
    const { body } = await t.gql('mutation($c: String!) { importAuditLog(input: { content: $c, fileName: "people.csv" }) { id } }', {
      c: 'Name,Age\nAda,36\n',
    });
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toMatch(/people\.csv does not look like an audit export.*Expected/s);
  });

  test('a reader key cannot import', async () => {
    const reader = await new ApiKeyStore(t.db.dataSource).create({ name: 'dashboard', role: 'reader' });
    const { body } = await t.gql('mutation { importAuditLog(input: { content: "[]" }) { id } }', {}, { key: reader });
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    const upload = await fetch(`${t.url}/imports`, { method: 'POST', headers: { authorization: `Bearer ${reader}` }, body: '[]' });
    expect(upload.status).toBe(403);
  });

  test('POST /imports streams a gzip body into the pipeline and answers the batch as JSON', async () => {
    const gz = zlib.gzipSync(fs.readFileSync(fixture('purview.csv')));
    const response = await fetch(`${t.url}/imports?fileName=purview.csv.gz`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/octet-stream' },
      body: gz,
    });
    expect(response.status).toBe(200);
    const { batches } = (await response.json()) as { batches: Record<string, unknown>[] };
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ fileName: 'purview.csv.gz', format: 'PURVIEW_CSV', status: 'SUCCEEDED', recordsRead: 39 });
    const { body } = await t.gql('query($id: ID!) { importBatch(id: $id) { id status recordsRead } }', { id: batches[0].id });
    expect(body.data.importBatch).toEqual({ id: batches[0].id, status: 'SUCCEEDED', recordsRead: 39 });
  });

  test('a batch names the API key that imported it (GraphQL and POST /imports); a CLI import names none', async () => {
    const importer = await new ApiKeyStore(t.db.dataSource).create({ name: 'soar playbook', role: 'importer' });
    const content = fs.readFileSync(fixture('audit.ndjson'), 'utf8');
    const inline = await t.gql('mutation($c: String!) { importAuditLog(input: { content: $c, fileName: "by-soar.ndjson" }) { id importedBy } }', { c: content }, { key: importer });
    expect(inline.body.data.importAuditLog.importedBy).toBe('soar playbook');
    const upload = await fetch(`${t.url}/imports?fileName=by-admin.csv`, { method: 'POST', headers: { authorization: `Bearer ${t.key}` }, body: fs.readFileSync(fixture('purview.csv')) });
    const { batches } = (await upload.json()) as { batches: { id: string; importedBy: string | null }[] };
    expect(batches[0].importedBy).toBe('test admin');
    const [cli] = await t.importer.importFile(fixture('unified-audit-log.csv'), { orgId: 1, source: 'cli' });
    const { body } = await t.gql('query($a: ID!, $b: ID!) { a: importBatch(id: $a) { importedBy } b: importBatch(id: $b) { importedBy } }', { a: batches[0].id, b: cli.id });
    expect(body.data).toEqual({ a: { importedBy: 'test admin' }, b: { importedBy: null } });
  });

  test('importBatches lists batches newest first with keyset pages', async () => {
    const page1 = await t.gql('{ importBatches(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }');
    const { totalCount, pageInfo, edges } = page1.body.data.importBatches;
    expect(totalCount).toBeGreaterThanOrEqual(4);
    expect(pageInfo.hasNextPage).toBe(true);
    const page2 = await t.gql('query($a: String) { importBatches(first: 2, after: $a) { edges { node { id } } } }', { a: pageInfo.endCursor });
    const ids = [...edges, ...page2.body.data.importBatches.edges].map((e: { node: { id: string } }) => Number(e.node.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(4);
  });
});

describe('mailtrail import (CLI)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  const run = (args: string[]) => runCli(['import', ...args], { env: { DATABASE_URL: t.db.url } });

  test('--json prints a machine-readable summary; exit 0 when every file was read', async () => {
    const { code, stdout } = await run(['--json', fixture('audit.ndjson'), fixture('overlap-a.ndjson')]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.totals).toMatchObject({ files: 2, failedFiles: 0, recordsInserted: 39, duplicates: 17 });
  });

  test('exit status is non-zero when a file could not be read, and the summary says which', async () => {
    const { code, stdout } = await run([fixture('not-an-export.csv'), fixture('truncated.ndjson')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAILED.*not-an-export\.csv/);
    expect(stdout).toMatch(/does not look like an audit export/);
    expect(stdout).toMatch(/PARTIAL .*truncated\.ndjson.*2 rejected/);
    expect(stdout).toMatch(/the end of .*truncated\.ndjson could not be read \(input ended/);
  });
});
