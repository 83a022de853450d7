/**
 * The server's reads go as named (prepared) statements, parsed once per connection (src/db/prepared-statements.ts),
 * and DATABASE_PREPARE=off sends them unnamed as before; the answers are the same either way.
 */
import { namedStatementCount } from '../../src/db/prepared-statements';
import { startTestServer, type TestServer } from '../support/server';
import { contract, ids, importIncident } from './contract-queries';

/** The largest number of our named statements any connection of the server's pool holds (asks them all at once). */
async function namedOnConnections(t: TestServer): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: 10 }, () =>
      t.db.dataSource.query(`SELECT count(*)::int AS n, pg_sleep(0.05) FROM pg_prepared_statements WHERE name LIKE 'mt\\_%'`),
    ),
  );
  return Math.max(...counts.map((rows: { n: number }[]) => rows[0].n));
}

describe.each([
  ['on', true],
  ['off', false],
] as const)('DATABASE_PREPARE=%s', (setting, named) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ DATABASE_PREPARE: setting });
    await importIncident(t);
  });
  afterAll(async () => t?.close());

  test(named ? 'contract 01 is answered through named statements' : 'contract 01 is answered through unnamed statements', async () => {
    const { status, body } = await t.gql(contract('01-sessions-by-ip.graphql'), { ip: ids.IP_ATTACK_1 });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.clientIp.sessions.edges.length).toBeGreaterThan(0);
    expect(namedStatementCount()).toBeGreaterThan(0);
    if (named) expect(await namedOnConnections(t)).toBeGreaterThan(0);
    else expect(await namedOnConnections(t)).toBe(0);
  });
});
