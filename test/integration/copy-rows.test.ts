/**
 * copyRows (src/import/load/chunk-load.ts) encodes COPY lines straight into buffers that grow to 1 MB and are then
 * sent one after another: every row must arrive exactly, whatever its characters and wherever a buffer ends.
 */
import type { Pool } from 'pg';
import { copyRows } from '../../src/import/load/chunk-load';
import { poolOf } from '../../src/db/data-source';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('copyRows', () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    pool = poolOf(db.dataSource);
    await pool.query('CREATE TABLE copied (n int PRIMARY KEY, t text)');
  });
  afterAll(async () => db?.drop());

  test('rows of every width and alphabet, across buffer ends, arrive as written', async () => {
    const alphabets = ['plain ascii', 'é à ü ß', '漢字かな', '🙂 surrogate pairs 𝄞', 'tab\tnewline\nreturn\rbackslash\\', ''];
    const rows: [number, string | null][] = [];
    let n = 0;
    // ~3 MB of small rows (so buffers grow from 64 KB and flush at 1 MB), a row wider than any buffer, a NULL.
    while (n < 40_000) rows.push([n, `${alphabets[n % alphabets.length]} ${'x'.repeat(n % 97)} ${n++}`]);
    rows.push([n++, '漢'.repeat(1_500_000)]);
    rows.push([n++, null]);
    rows.push([n++, 'after the wide one']);
    const client = await pool.connect();
    try {
      await copyRows(client, 'COPY copied (n, t) FROM STDIN', rows);
    } finally {
      client.release();
    }
    const { rows: stored } = await pool.query<{ n: number; t: string | null }>('SELECT n, t FROM copied ORDER BY n');
    expect(stored.length).toBe(rows.length);
    for (let i = 0; i < rows.length; i++) {
      if (stored[i].n !== rows[i][0] || stored[i].t !== rows[i][1]) throw new Error(`row ${i} differs: ${JSON.stringify(stored[i]).slice(0, 120)}`);
    }
  });
});
