/**
 * The server's reads go as named (prepared) statements, parsed once per connection (src/db/prepared-statements.ts),
 * and DATABASE_PREPARE=off sends them unnamed as before; the answers are the same either way. Statements marked
 * 'generic' keep one plan per connection; the others are planned per call.
 */
import type { Pool } from 'pg';
import { namedStatementCount, prepareMarkedStatements, type PlanMode } from '../../src/db/prepared-statements';
import { run, sql, type RowSource } from '../../src/db/sql';
import { poolOf } from '../../src/db/data-source';
import { createTestDatabase, type TestDatabase } from '../support/database';
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

/**
 * Statements run with 'generic' keep one plan per connection; every other statement with parameters is still planned
 * per call, on whatever connection and after whatever ran there before (prepared-statements.ts).
 */
describe('plan modes', () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    pool = poolOf(db.dataSource);
    prepareMarkedStatements(pool);
  });
  afterAll(async () => db?.drop());

  const MODE = `SELECT current_setting('plan_cache_mode') AS mode WHERE $1::int = 1`;
  /** The mode a statement with a parameter ran under: generic when marked so, custom otherwise. */
  const modeOf = async (source: RowSource, plan?: PlanMode) => ((await run<{ mode: string }>(source, sql`SELECT current_setting('plan_cache_mode') AS mode WHERE ${1}::int = 1`, plan))[0].mode);

  test('a generic statement runs generic, the statements around it custom, on one connection', async () => {
    const runner = db.dataSource.createQueryRunner();
    try {
      expect(await modeOf(runner)).toBe('force_custom_plan');
      expect(await modeOf(runner, 'generic')).toBe('force_generic_plan');
      expect(await modeOf(runner, 'generic')).toBe('force_generic_plan');
      // Unmarked (TypeORM's own, an importer's): custom again.
      expect((await runner.query(MODE, [1]))[0].mode).toBe('force_custom_plan');
      expect(await modeOf(runner, 'generic')).toBe('force_generic_plan');
      // The prepared statement keeps its generic plan: planned once, then reused.
      const [stats] = await runner.query(`SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '/* generic plan */%'`);
      expect(stats).toEqual({ generic_plans: '3', custom_plans: '0' });
    } finally {
      await runner.release();
    }
  });

  test('inside a transaction a statement goes back to custom only until its end, whatever the end', async () => {
    const runner = db.dataSource.createQueryRunner();
    try {
      expect(await modeOf(runner, 'generic')).toBe('force_generic_plan');
      for (const end of ['ROLLBACK', 'COMMIT']) {
        await runner.query('BEGIN');
        expect(await modeOf(runner)).toBe('force_custom_plan');
        expect(await modeOf(runner, 'generic')).toBe('force_custom_plan'); // never switched to generic in a transaction
        await runner.query(end);
        // The session's own setting is what the connection remembers: generic, so no statement is needed to know it.
        expect((await runner.query('SHOW plan_cache_mode'))[0].plan_cache_mode).toBe('force_generic_plan');
        expect(await modeOf(runner)).toBe('force_custom_plan');
        expect(await modeOf(runner, 'generic')).toBe('force_generic_plan');
      }
    } finally {
      await runner.release();
    }
  });

  test('through the server, contract 01 keeps generic plans for its key lookups and pages', async () => {
    const t = await startTestServer({ DATABASE_PREPARE: 'on' });
    try {
      await importIncident(t);
      for (let i = 0; i < 3; i++) expect((await t.gql(contract('01-sessions-by-ip.graphql'), { ip: ids.IP_ATTACK_1 })).body.errors).toBeUndefined();
      // Asked on every connection of the pool at once: each sees only its own prepared statements.
      const perConnection: { generic: number; custom: number }[][] = await Promise.all(
        Array.from({ length: 10 }, () =>
          t.db.dataSource.query(
            `SELECT coalesce(sum(generic_plans), 0)::int AS generic, coalesce(sum(custom_plans), 0)::int AS custom, pg_sleep(0.05)
             FROM pg_prepared_statements WHERE statement LIKE '/* generic plan */%'`,
          ),
        ),
      );
      expect(Math.max(...perConnection.map((r) => r[0].generic))).toBeGreaterThan(0);
      expect(Math.max(...perConnection.map((r) => r[0].custom))).toBe(0);
    } finally {
      await t.close();
    }
  });
});
