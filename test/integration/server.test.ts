import { startTestServer, type TestServer } from '../support/server';

describe('the mailtrail server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  test('/healthz says the process is alive; /readyz that the database is reachable', async () => {
    const response = await fetch(`${t.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'reachable' });
  });

  test('answers a GraphQL query over HTTP with an API key', async () => {
    const { status, body } = await t.gql('{ importBatches(first: 5) { totalCount edges { node { id } } pageInfo { hasNextPage } } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.importBatches).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
  });

  test('refuses a request without an API key, and one with an unknown key', async () => {
    const none = await t.gql('{ importBatches { totalCount } }', {}, { key: null });
    expect(none.status).toBe(401);
    expect(none.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const wrong = await t.gql('{ importBatches { totalCount } }', {}, { key: 'mt_not-a-key' });
    expect(wrong.status).toBe(401);
  });

  test('keeps introspection available to authenticated clients (SOAR connection tests use it)', async () => {
    const { body } = await t.gql('{ __schema { queryType { name } } }');
    expect(body.data.__schema.queryType.name).toBe('Query');
  });

  test('serves GraphiQL at / with every asset local: no external URL in the page', async () => {
    const response = await fetch(`${t.url}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('GraphiQL');
    expect(html).not.toMatch(/(https?:)?\/\/(?!127\.0\.0\.1|localhost)[a-z0-9.-]+\.[a-z]{2,}/i);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      const res = await fetch(`${t.url}${asset}`);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  test('rejects a query deeper than the limit before running it', async () => {
    const deep = '{ importBatches { edges { node { rejections { edges { node { line } } } } } } }';
    const ok = await t.gql(deep);
    expect(ok.body.errors).toBeUndefined();
    const limited = await startTestServer({ MAX_QUERY_DEPTH: '4' });
    try {
      const { body } = await limited.gql(deep);
      expect(body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      expect(body.errors[0].message).toMatch(/levels deep; the limit is 4/);
    } finally {
      await limited.close();
    }
  });

  test('rejects a query that could return too many rows, saying how to page instead', async () => {
    const limited = await startTestServer({ MAX_QUERY_COST: '1000' });
    try {
      const { body } = await limited.gql('{ importBatches(first: 500) { edges { node { rejections(first: 500) { edges { node { line } } } } } } }');
      expect(body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      expect(body.errors[0].message).toMatch(/limit is 1000/);
    } finally {
      await limited.close();
    }
  });

  test('answers bad input with BAD_USER_INPUT and a message that says what to fix', async () => {
    const { body } = await t.gql('{ importBatches(first: 5000) { totalCount } }');
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toMatch(/between 0 and 500/);
    const cursor = await t.gql('{ importBatches(after: "garbage") { totalCount } }');
    expect(cursor.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  test('never sends a stack trace or SQL to the client', async () => {
    const { body } = await t.gql('{ importBatches(first: 5000) { totalCount } }');
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at Object\.|SELECT /);
  });
});
