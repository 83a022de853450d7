/**
 * PostgreSQL's JIT on the server's connections: off unless DATABASE_JIT=on (JIT compiling cost ~0.4 s on the API's
 * larger plans and saved nothing, docs/PERFORMANCE.md "JIT"). Set in the connection's startup packet, so it costs
 * no statement; checked on the real openDatabase path against a real database.
 */
import { ConfigError, loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { silentLogger } from '../support/server';

describe('DATABASE_JIT', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  async function jitOf(env: Record<string, string>): Promise<string[]> {
    const opened = await openDatabase(loadConfig({ ...env, DATABASE_URL: db.url }), silentLogger, { migrate: false });
    try {
      // Several connections of the pool at once: every one carries the setting, not only the first.
      const rows = await Promise.all([1, 2, 3].map(() => opened.dataSource.query('SELECT current_setting($1) AS jit, pg_sleep(0.05)', ['jit'])));
      return rows.map(([row]) => row.jit);
    } finally {
      await opened.close();
    }
  }

  test('off by default on every connection of the API pool', async () => {
    expect(await jitOf({})).toEqual(['off', 'off', 'off']);
  });

  test('DATABASE_JIT=on leaves the server default', async () => {
    const [{ jit }] = await db.dataSource.query('SHOW jit');
    expect(await jitOf({ DATABASE_JIT: 'on' })).toEqual([jit, jit, jit]);
  });

  test('anything else is refused with the choices', () => {
    expect(() => loadConfig({ DATABASE_JIT: 'sometimes' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_JIT: 'sometimes' })).toThrow(/DATABASE_JIT="sometimes" is not valid: expected one of off, on/);
  });
});
