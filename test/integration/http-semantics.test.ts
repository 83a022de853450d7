/**
 * Issue 12: HTTP statuses a SOAR playbook's retry logic can rely on. Request errors are 400 (never 500), refusals
 * before execution are 401/403/413/429 with one JSON error shape, and the graphql-http audit's MUSTs pass.
 */
import { serverAudits } from 'graphql-http';
import { ApiKeyStore } from '../../src/api/http/auth';
import { startTestServer, type TestServer } from '../support/server';

const post = (t: TestServer, body: unknown, headers: Record<string, string> = {}, key: string | null = t.key) =>
  fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: JSON.stringify(body),
  });

/**
 * The fastest of seven timed sends after ten warm-ups: the JIT makes the first ones slow, and on a loaded machine
 * (other suites running) any single send can wait for a core; the fastest shows what the refusal itself costs.
 */
async function timed(t: TestServer, query: string) {
  for (let i = 0; i < 10; i++) await (await post(t, { query })).arrayBuffer();
  const runs: { status: number; body: any; ms: number }[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    const response = await post(t, { query });
    const body = await response.json();
    runs.push({ status: response.status, body, ms: performance.now() - started });
  }
  return runs.sort((a, b) => a.ms - b.ms)[0];
}

describe('HTTP semantics of GraphQL requests', () => {
  let t: TestServer;
  let reader: string;
  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '0' });
    reader = await new ApiKeyStore(t.db.dataSource).create({ name: 'reader', role: 'reader' });
  });
  afterAll(async () => t.close());

  test('an answer carries no ETag (nothing revalidates a POSTed query) and no framework banner', async () => {
    const response = await post(t, { query: '{ __typename }' });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBeNull();
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
  });

  test('a parse error and a validation error are 400', async () => {
    const parse = await t.gql('{ sessions(');
    expect(parse.status).toBe(400);
    expect(parse.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const invalid = await t.gql('{ noSuchField }');
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  test('a too costly or too deep query is 400, not 500', async () => {
    const costly = await t.gql('{ importBatches(first: 500) { edges { node { rejections(first: 501) { edges { node { line } } } } } } }');
    expect(costly.status).toBe(400);
    expect(costly.body.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', cost: expect.any(Number), maxCost: 250_000 });
    const deep = await t.gql('{ clientIp(address: "10.0.0.1") { sessions(first: 1) { edges { node { clientIps { sessions(first: 1) { edges { node { clientIps { sessions(first: 1) { totalCount } } } } } } } } } } } }');
    expect(deep.status).toBe(400);
    const nul = await t.gql('{ auditRecords(filter: { operation: "x\\u0000" }) { totalCount } }');
    expect(nul.status).toBe(400);
  });

  // A bomb that was executed took 21 s; a refusal takes a few ms on a quiet machine. The bound sits far from both,
  // so a loaded machine (a 50 ms bound failed at 52 ms with a load average of 10) cannot make it flake.
  const REFUSED_WITHIN_MS = 1_000;

  test('an alias bomb and a token bomb are refused with 400 before anything runs', async () => {
    const aliases = await timed(t, `{ ${Array.from({ length: 300 }, (_, i) => `a${i}: importBatches(first: 1) { totalCount }`).join(' ')} }`);
    expect(aliases.status).toBe(400);
    expect(aliases.body.errors[0]).toMatchObject({ message: expect.stringMatching(/Aliases limit of 30 exceeded, found 300/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(aliases.ms).toBeLessThan(REFUSED_WITHIN_MS);
    // The 2,000 aliases that once ran for 21 s: more tokens than a document may hold, refused while parsing.
    const bomb = await timed(t, `{ ${Array.from({ length: 2_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`);
    expect(bomb.status).toBe(400);
    expect(bomb.ms).toBeLessThan(REFUSED_WITHIN_MS);
    const tokens = await timed(t, `{ a(b: [${'[]'.repeat(20_000)}]) }`);
    expect(tokens.status).toBe(400);
    expect(tokens.body.errors[0].message).toMatch(/tokens/);
    expect(tokens.ms).toBeLessThan(REFUSED_WITHIN_MS);
    const directives = await t.gql(`{ __typename ${'@skip(if: false) '.repeat(40)} }`);
    expect(directives.status).toBe(400);
    expect(directives.body.errors[0].message).toMatch(/Directives limit of 20 exceeded/);
  });

  test('a reader asking to import is 403 before anything runs; an importer is not refused', async () => {
    const mutation = 'mutation($c: String!) { importAuditLog(input: { content: $c }) { status } }';
    const refused = await t.gql(mutation, { c: '{}' }, { key: reader });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'FORBIDDEN', field: 'importAuditLog' } })] });
    expect((await t.db.dataSource.query('SELECT count(*)::int AS n FROM import_batch'))[0].n).toBe(0);
    const viaFragment = await t.gql(`mutation($c: String!) { ...F } fragment F on Mutation { importAuditLog(input: { content: $c }) { status } }`, { c: '{}' }, { key: reader });
    expect(viaFragment.status).toBe(403);
    const importer = await new ApiKeyStore(t.db.dataSource).create({ name: 'importer', role: 'importer' });
    expect((await t.gql(mutation, { c: '{}' }, { key: importer })).status).toBe(200);
  });

  test('no key is 401 and says nothing about the schema (no field suggestions)', async () => {
    const response = await post(t, { query: '{ sesions { totalCount } }' }, {}, null);
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).not.toMatch(/Did you mean|sessions/);
    expect(JSON.parse(text)).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  test('an unknown key gets no field suggestions either; a valid key does (they help a developer)', async () => {
    const bogus = await post(t, { query: '{ sesions { totalCount } }' }, {}, 'mt_not-a-key');
    expect(bogus.status).toBe(401);
    expect(await bogus.text()).not.toMatch(/Did you mean|sessions/);
    const known = await post(t, { query: '{ sesions { totalCount } }' });
    expect(known.status).toBe(400);
    expect(((await known.json()) as any).errors[0].message).toMatch(/Did you mean "sessions"/);
  });

  test('application/graphql-response+json is answered in kind, with 400 for a request error', async () => {
    const accept = { accept: 'application/graphql-response+json' };
    const ok = await post(t, { query: '{ __typename }' }, accept);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    const bad = await post(t, { query: '{ nope }' }, accept);
    expect(bad.status).toBe(400);
  });

  test('POST /imports errors have the same shape', async () => {
    const unknownFormat = await fetch(`${t.url}/imports?format=NOPE`, { method: 'POST', headers: { authorization: `Bearer ${t.key}` }, body: '{}' });
    expect(unknownFormat.status).toBe(400);
    expect(await unknownFormat.json()).toEqual({ errors: [{ message: expect.stringMatching(/Unknown format NOPE/), extensions: { code: 'BAD_USER_INPUT' } }] });
    const asReader = await fetch(`${t.url}/imports`, { method: 'POST', headers: { authorization: `Bearer ${reader}` }, body: '{}' });
    expect(asReader.status).toBe(403);
    expect(await asReader.json()).toEqual({ errors: [{ message: expect.stringMatching(/read-only/), extensions: { code: 'FORBIDDEN' } }] });
  });

  test("the graphql-http audit's MUST items pass", async () => {
    const fetchFn = (input: string, init: RequestInit = {}) =>
      fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${t.key}` } });
    const failed: string[] = [];
    for (const audit of serverAudits({ url: `${t.url}/graphql`, fetchFn })) {
      if (!audit.name.startsWith('MUST')) continue;
      const result = await audit.fn();
      if (result.status !== 'ok') failed.push(`${audit.name}: ${result.reason}`);
    }
    expect(failed).toEqual([]);
  });
});

describe('per-key rate limits', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '5' });
  });
  afterAll(async () => t.close());

  test('a burst over the limit gets 429 with Retry-After; another key is not affected', async () => {
    const statuses: number[] = [];
    let refused: Response | null = null;
    for (let i = 0; i < 8; i++) {
      const response = await post(t, { query: '{ __typename }' });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(6)).toEqual([429, 429]);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused!.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
    const other = await new ApiKeyStore(t.db.dataSource).create({ name: 'other', role: 'reader' });
    expect((await post(t, { query: '{ __typename }' }, {}, other)).status).toBe(200);
  });
});
