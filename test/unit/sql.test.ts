import { Client } from 'pg';
import { adminUrl } from '../support/database';
import { sql } from '../../src/db/sql';

describe('sql fragments', () => {
  it('keeps values out of the text and numbers them once, across nested fragments', () => {
    const window = (from: unknown, to: unknown) => sql`(t.at >= ${from} AND t.at <= ${to})`;
    const q = sql`SELECT * FROM t WHERE t.org = ${7} AND ${window('a', 'b')} AND t.name = ${"x'; DROP TABLE t; --"}`;
    expect(q.text).toBe('SELECT * FROM t WHERE t.org = $1 AND (t.at >= $2 AND t.at <= $3) AND t.name = $4');
    expect(q.values).toEqual([7, 'a', 'b', "x'; DROP TABLE t; --"]);
  });

  it('joins fragments with a separator, and nothing to join is the empty fragment', () => {
    const conditions = [sql`a = ${1}`, sql`b = ${2}`, sql`c`];
    const q = sql`WHERE ${sql.join(conditions, sql` AND `)} LIMIT ${10}`;
    expect(q.text).toBe('WHERE a = $1 AND b = $2 AND c LIMIT $3');
    expect(q.values).toEqual([1, 2, 10]);
    expect(sql.join([]).text).toBe('');
    expect(sql`x${sql.empty}y`.text).toBe('xy');
    expect(sql.join([sql`a`, sql`b`]).text).toBe('a, b');
  });

  it('admits identifiers only through sql.ident, and only plain ones', () => {
    expect(sql`SELECT ${sql.ident('t', 'session_id')} FROM ${sql.ident('session')} t`.text).toBe('SELECT t.session_id FROM session t');
    expect(() => sql.ident('t; DROP TABLE x')).toThrow(/Not an SQL identifier/);
    expect(() => sql.ident('T')).toThrow();
    expect(() => sql.ident('')).toThrow();
    // A string that is not wrapped in sql.ident is a parameter, never text.
    expect(sql`SELECT ${'session_id'}`.values).toEqual(['session_id']);
  });

  it('runs against PostgreSQL with the values bound', async () => {
    const client = new Client({ connectionString: adminUrl() });
    await client.connect();
    try {
      const inner = sql`${'o\'hara'}::text AS name`;
      const q = sql`SELECT ${41}::int + 1 AS n, ${inner}, ${sql.join([sql`${1}::int`, sql`${2}::int`], sql` + `)} AS s`;
      const { rows } = await client.query(q.text, q.values);
      expect(rows).toEqual([{ n: 42, name: "o'hara", s: 3 }]);
    } finally {
      await client.end();
    }
  });
});
