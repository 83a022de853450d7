import { epochMsArray, epochMsSql, plainArray } from '../../src/db/plain-array';
import { run, sql } from '../../src/db/sql';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  await db?.drop();
});

describe('plain array literals (the importer\'s unnest parameters)', () => {
  test('ids, counts and hex read back as the values they were', async () => {
    const ids = ['1', '9007199254740993', '42'];
    const rows: { id: string; n: number; h: string }[] = await run(
      db.dataSource,
      sql`SELECT u.id::text AS id, u.n, u.h FROM unnest(${plainArray(ids)}::bigint[], ${plainArray([0, -3, 7])}::int[], ${plainArray(['00ff', 'ab', '0'])}::text[]) AS u(id, n, h)`,
    );
    expect(rows).toEqual([
      { id: '1', n: 0, h: '00ff' },
      { id: '9007199254740993', n: -3, h: 'ab' },
      { id: '42', n: 7, h: '0' },
    ]);
    const [empty] = await run(db.dataSource, sql`SELECT cardinality(${plainArray([])}::bigint[]) AS n`);
    expect(empty.n).toBe(0);
  });

  test('times come back to the millisecond, before 1970 and up to year 9999', async () => {
    const dates = ['9999-12-31T23:59:59.999Z', '0001-01-01T00:00:00.001Z', '1969-12-31T23:59:58.999Z', '1970-01-01T00:00:00.000Z', '2024-02-29T12:34:56.789Z'].map(
      (iso) => new Date(iso),
    );
    const rows: { t: string }[] = await run(
      db.dataSource,
      sql`SELECT to_char(${epochMsSql(sql`u.f`)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS t FROM unnest(${epochMsArray(dates)}::bigint[]) WITH ORDINALITY AS u(f, i) ORDER BY u.i`,
    );
    // Microseconds printed, so an arithmetic error below the millisecond would show.
    expect(rows.map((r) => r.t)).toEqual(dates.map((d) => d.toISOString().replace(/Z$/, '000')));
  });
});
