/**
 * Issue 8: nothing a client sends, and nothing the database does, takes the API down or holds it. Slow SQL is made
 * real by locking a table from another session, so the API's queries wait exactly as long as the test says.
 */
import fs from 'node:fs';
import http from 'node:http';
import { Client } from 'pg';
import { ApiKeyStore } from '../../src/api/http/auth';
import { fixture } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/server';

async function lockTable(url: string, table: string): Promise<{ release(): Promise<void> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return {
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

async function waitingApiQueries(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'mailtrail-test' AND state = 'active' AND wait_event_type = 'Lock'`,
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

const SESSIONS = '{ sessions(first: 5) { totalCount edges { node { sessionId } } } }';

describe('the API under hostile requests and slow SQL', () => {
  let t: TestServer;
  let reader: string;
  beforeAll(async () => {
    t = await startTestServer({ READ_STATEMENT_TIMEOUT_MS: '3000', MAX_QUERY_BYTES: '64kb', MAX_INLINE_IMPORT_BYTES: '2mb' });
    reader = await new ApiKeyStore(t.db.dataSource).create({ name: 'reader', role: 'reader' });
  });
  afterAll(async () => t.close());

  test('/healthz and /readyz answer at once while queries wait on slow SQL', async () => {
    const lock = await lockTable(t.db.url, 'session');
    try {
      const stuck = Array.from({ length: 4 }, () => t.gql(SESSIONS));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const health = await timed(() => fetch(`${t.url}/healthz`));
      expect(health.value.status).toBe(200);
      // The stuck queries wait 3,000 ms for their statement timeout; "at once" is well under that on any machine load.
      expect(health.ms).toBeLessThan(1000);
      const ready = await timed(() => fetch(`${t.url}/readyz`));
      expect(ready.value.status).toBe(200);
      expect(ready.ms).toBeLessThan(1000);
      // The statement timeout ends them, with a code that says so and no SQL.
      const answers = await Promise.all(stuck);
      for (const { body } of answers) {
        expect(body.errors[0].extensions.code).toBe('QUERY_TIMEOUT');
        expect(JSON.stringify(body)).not.toMatch(/SELECT|stack/);
      }
    } finally {
      await lock.release();
    }
  });

  test('admission control: beyond the running and waiting places the answer is 503 SERVER_BUSY, at once', async () => {
    const busy = await startTestServer({ MAX_RUNNING_QUERIES: '1', MAX_WAITING_QUERIES: '1', READ_STATEMENT_TIMEOUT_MS: '1500' });
    const lock = await lockTable(busy.db.url, 'session');
    try {
      const running = busy.gql(SESSIONS);
      const waiting = busy.gql(SESSIONS);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const refused = await timed(() => busy.gql(SESSIONS));
      expect(refused.ms).toBeLessThan(500);
      expect(refused.value.status).toBe(503);
      expect(refused.value.body.errors[0].extensions.code).toBe('SERVER_BUSY');
      // The REST mirror shares the same places: refused too, with Retry-After.
      const rest = await fetch(`${busy.url}/api/v1/apps`, { headers: { authorization: `Bearer ${busy.key}` } });
      expect(rest.status).toBe(503);
      expect(Number(rest.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await rest.json()) as any).errors[0].extensions.code).toBe('SERVER_BUSY');
      // The two admitted ones run in turn, each ended by the statement timeout.
      for (const { body } of await Promise.all([running, waiting])) expect(body.errors[0].extensions.code).toBe('QUERY_TIMEOUT');
    } finally {
      await lock.release();
      await busy.close();
    }
  });

  test('a client that disconnects has its SQL cancelled, not left holding a connection', async () => {
    const lock = await lockTable(t.db.url, 'session');
    try {
      const request = http.request(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.key}` },
      });
      request.on('error', () => undefined);
      request.end(JSON.stringify({ query: SESSIONS }));
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await waitingApiQueries(t.db.url)).toBeGreaterThan(0);
      const left = Date.now();
      request.destroy();
      while ((await waitingApiQueries(t.db.url)) > 0 && Date.now() - left < 5_000) await new Promise((resolve) => setTimeout(resolve, 50));
      // Cancelled, well before the 3 s statement timeout would have ended them.
      expect(await waitingApiQueries(t.db.url)).toBe(0);
      expect(Date.now() - left).toBeLessThan(2_000);
    } finally {
      await lock.release();
    }
  });

  test('counts are priced by the rows they scan: 300 aliased totalCounts are refused before running', async () => {
    const query = `{ ${Array.from({ length: 300 }, (_, i) => `a${i}: auditRecords(first: 0) { totalCount }`).join(' ')} }`;
    // The alias limit refuses it first; with that raised, the cost estimate still does.
    expect((await t.gql(query)).body.errors[0].message).toMatch(/Aliases limit of 30 exceeded, found 300/);
    const manyAliases = await startTestServer({ MAX_QUERY_ALIASES: '1000' });
    try {
      const { status, body } = await manyAliases.gql(query);
      expect(status).toBe(400);
      expect(body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: expect.any(Number) });
      expect(body.errors[0].extensions.cost).toBeGreaterThanOrEqual(300 * 1000);
    } finally {
      await manyAliases.close();
    }
  });

  test('a reader key gets a small body limit; only the inline import may send a big body', async () => {
    const big = `{ ${'__typename '.repeat(20_000)} }`; // ~220 KB of aliases-free document
    const asReader = await t.gql(big, undefined, { key: reader });
    expect(asReader.status).toBe(413);
    expect(asReader.body.errors[0]).toMatchObject({ extensions: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(asReader.body.errors[0].message).toMatch(/read-only key .* 65536 bytes/);
    const asAdmin = await t.gql(big);
    expect(asAdmin.status).toBe(413);
    expect(asAdmin.body.errors[0].message).toMatch(/query document is \d+ bytes; the limit is 65536/);
    const hugeVariables = await t.gql('query($x: String) { __typename }', { x: 'x'.repeat(200_000) });
    expect(hugeVariables.status).toBe(413);
    const content = fs.readFileSync(fixture('audit.ndjson'), 'utf8') + ' '.repeat(150_000);
    const inline = await t.gql('mutation($c: String!) { importAuditLog(input: { content: $c, fileName: "big.ndjson" }) { status } }', { c: content });
    expect(inline.status).toBe(200);
    expect(inline.body.errors).toBeUndefined();
  });

  test('parse work is bounded: a document of too many tokens is refused as a parse error', async () => {
    const { body } = await t.gql(`{ a(b: [${'[]'.repeat(30_000)}]) }`);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(body.errors[0].message).toMatch(/tokens/);
  });

  describe('bad values are user errors (BAD_USER_INPUT), echoed clipped', () => {
    const codeOf = (body: any) => body.errors?.[0]?.extensions?.code;

    test('epoch 1e17 as a DateTime', async () => {
      const { body } = await t.gql('{ sessions(filter: { from: 100000000000000000 }) { totalCount } }');
      expect(codeOf(body)).toBe('BAD_USER_INPUT');
      const asVariable = await t.gql('query($f: DateTime) { sessions(filter: { from: $f }) { totalCount } }', { f: 1e17 });
      expect(codeOf(asVariable.body)).toBe('BAD_USER_INPUT');
    });

    test('a NUL in a filter, in a literal, and in an import fileName', async () => {
      const asVariable = await t.gql('query($s: String) { auditRecords(filter: { sessionId: $s }) { totalCount } }', { s: 'a\u0000b' });
      expect(codeOf(asVariable.body)).toBe('BAD_USER_INPUT');
      expect(asVariable.body.errors[0].message).toMatch(/\$s contains a NUL character/);
      const literal = await t.gql('{ auditRecords(filter: { operation: "x\\u0000" }) { totalCount } }');
      expect(codeOf(literal.body)).toBe('BAD_USER_INPUT');
      const fileName = await t.gql('mutation($c: String!, $n: String) { importAuditLog(input: { content: $c, fileName: $n }) { status } }', {
        c: '{}',
        n: 'evil\u0000.json',
      });
      expect(codeOf(fileName.body)).toBe('BAD_USER_INPUT');
    });

    test('a long bad IP is not echoed back whole', async () => {
      const { body } = await t.gql('query($ip: String!) { clientIp(address: $ip) { address } }', { ip: 'x'.repeat(60_000) });
      expect(codeOf(body)).toBe('BAD_USER_INPUT');
      expect(body.errors[0].message.length).toBeLessThan(400);
    });
  });
});
