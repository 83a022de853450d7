/**
 * Issue 12, "who looked at the evidence": every keyed request leaves an access_log row (GraphQL, uploads, the
 * CSV export itself, refusals too), admins read it through GraphQL and as CSV, readers cannot, and nobody can
 * change it: the database refuses UPDATE, DELETE and TRUNCATE.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ApiKeyStore } from '../../src/api/http/auth';
import { fixture } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';

async function until<T>(probe: () => Promise<T | null>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the access log');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the access log', () => {
  let t: TestServer;
  let reader: string;
  const rows = (where = 'true') => t.db.dataSource.query(`SELECT * FROM access_log WHERE ${where} ORDER BY id`);
  const rowFor = (where: string) => until(async () => (await rows(where))[0] ?? null);

  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '0' });
    reader = await new ApiKeyStore(t.db.dataSource).create({ name: 'the reader', role: 'reader' });
    const upload = await fetch(`${t.url}/imports?fileName=audit.ndjson`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}` },
      body: fs.readFileSync(fixture('audit.ndjson')),
    });
    expect(upload.status).toBe(200);
  });
  afterAll(async () => t.close());

  test('a GraphQL request: key, operation, hashed variables, rows returned, status, duration', async () => {
    const query = 'query Sessions($n: Int) { sessions(first: $n) { edges { node { sessionId clientIps { address } } } } }';
    const { body } = await t.gql(query, { n: 3 }, { key: reader });
    const edges = body.data.sessions.edges;
    const expectedRows = edges.length + edges.reduce((n: number, e: any) => n + e.node.clientIps.length, 0);
    const row = await rowFor(`operation = 'Sessions'`);
    expect(row).toMatchObject({ key_name: 'the reader', route: 'POST /graphql', status: 200, rows_returned: expectedRows });
    expect(row.variables).toEqual({ n: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(JSON.stringify(row.variables)).not.toContain('3"');
    expect(row.duration_ms).toBeGreaterThanOrEqual(0);
  });

  test('uploads and refused requests are logged too', async () => {
    expect(await rowFor(`route = 'POST /imports' AND status = 200`)).toMatchObject({ key_name: 'test admin', operation: null });
    await t.gql('{ nope }', undefined, { key: reader });
    expect(await rowFor(`status = 400`)).toMatchObject({ key_name: 'the reader', route: 'POST /graphql' });
  });

  test('a reader may not read it (403, before anything runs), through GraphQL or as CSV', async () => {
    const viaGraphql = await t.gql('{ accessLog { totalCount } }', undefined, { key: reader });
    expect(viaGraphql.status).toBe(403);
    expect(viaGraphql.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const csv = await fetch(`${t.url}/access-log`, { headers: { authorization: `Bearer ${reader}` } });
    expect(csv.status).toBe(403);
    expect(await csv.json()).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'FORBIDDEN' } }] });
  });

  test('an admin reads it through GraphQL and as CSV, and both agree with the table', async () => {
    await rowFor(`status = 403 AND route = 'GET /access-log'`);
    await rowFor(`status = 403 AND route = 'POST /graphql'`);
    const { body } = await t.gql('{ accessLog(first: 500) { totalCount edges { node { id keyName route operation status rowsReturned } } } }');
    // The listing was made before its own row was written.
    const stored = (await rows()).map((r: any) => String(r.id));
    const listed = body.data.accessLog.edges.map((e: any) => e.node.id);
    expect(body.data.accessLog.totalCount).toBe(listed.length);
    expect(stored.slice(0, listed.length)).toEqual(listed);
    expect(stored.length - listed.length).toBeLessThanOrEqual(1);
    const response = await fetch(`${t.url}/access-log?keyName=${encodeURIComponent('the reader')}`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv: Record<string, string>[] = parse(await response.text(), { columns: true });
    const readerRows = (await rows(`key_name = 'the reader'`)) as any[];
    expect(csv.map((r) => [r.id, r.route, r.status])).toEqual(readerRows.map((r) => [String(r.id), r.route, String(r.status)]));
    // The export itself is a request in the log.
    await rowFor(`route = 'GET /access-log' AND status = 200`);
  });

  test('rows are written in batches: one INSERT for a burst of requests, read back through the API at once', async () => {
    const burst = 5;
    await Promise.all(Array.from({ length: burst }, () => t.gql('query Burst { __typename }', undefined, { key: reader })));
    // Reading the log writes what is pending first: all five are listed without waiting for the batch timer.
    const { body } = await t.gql('{ accessLog(first: 500, keyName: "the reader") { edges { node { operation at } } } }');
    const listed = body.data.accessLog.edges.filter((e: any) => e.node.operation === 'Burst');
    expect(listed).toHaveLength(burst);
    // Each row keeps its answer's own time, not the time of the batch.
    for (const e of listed) expect(Date.now() - Date.parse(e.node.at)).toBeLessThan(60_000);
    // Rows written by one INSERT share its transaction id (two at most, should the batch timer fire mid-burst).
    const writes = await t.db.dataSource.query(`SELECT DISTINCT xmin::text FROM access_log WHERE operation = 'Burst'`);
    expect(writes.length).toBeLessThanOrEqual(2);
  });

  test('rows still pending when the server stops are written', async () => {
    const own = await startTestServer({ RATE_LIMIT_PER_MINUTE: '0' });
    try {
      await own.gql('query LastBeforeStop { __typename }');
      await own.server.stop();
      const [row] = await own.db.dataSource.query(`SELECT route, status FROM access_log WHERE operation = 'LastBeforeStop'`);
      expect(row).toEqual({ route: 'POST /graphql', status: 200 });
    } finally {
      await own.db.drop();
    }
  });

  test('nobody can change it: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    for (const statement of ['UPDATE access_log SET status = 200', 'DELETE FROM access_log', 'TRUNCATE access_log']) {
      await expect(t.db.dataSource.query(statement)).rejects.toThrow(/append-only/);
    }
    expect((await rows()).length).toBeGreaterThan(0);
  });
});
