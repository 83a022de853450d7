/**
 * A file of more than a MiB is prepared in the import's worker thread; a record with NUL gets U+FFFD in its typed
 * columns on the loading thread, and the records around it are stored as written. Through the real CLI, as a user
 * runs it (import-guarantees.test.ts imports such a file through the worker in-process).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fixture } from '../support/fixtures';
import { runCli, tempDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = tempDir('worker-nul');
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await db.drop();
});

test('records with NUL read by the worker are stored with U+FFFD in their typed columns, the others as written', async () => {
  const lines = fs.readFileSync(fixture('audit.ndjson'), 'utf8').split('\n').filter(Boolean);
  const copies: string[] = [];
  // 30 copies of the fixture's 39 records with their own Ids: ~1.5 MB, over the worker's threshold.
  for (let copy = 0; copy < 30; copy++) {
    lines.forEach((line, i) => {
      const record = JSON.parse(line) as { Id?: string };
      let text = record.Id ? line.replace(record.Id, `00000000-0000-4000-8000-${String(copy * 100 + i).padStart(12, '0')}`) : line;
      if (i === 6) text = text.replace('"ClientInfoString":"', '"ClientInfoString":"x\\u0000');
      copies.push(text);
    });
  }
  const file = path.join(dir, 'nul.ndjson');
  fs.writeFileSync(file, copies.join('\n') + '\n');
  expect(fs.statSync(file).size).toBeGreaterThan(1 << 20);

  const { code, stdout } = await runCli(['import', '--json', file], { env: { DATABASE_URL: db.url }, timeoutMs: 120_000 });
  expect(code).toBe(0);
  const [batch] = (JSON.parse(stdout) as { files: { batches: { recordsInserted: number; warnings: string[] }[] }[] }).files[0].batches;
  expect(batch.recordsInserted).toBe(copies.length);
  expect(batch.warnings).toEqual([expect.stringMatching(/^30 records contain NUL characters/)]);

  const rows = (await db.dataSource.query(
    `SELECT r.source_line AS line, r.client_info_string AS info FROM audit_record r WHERE source_line % 39 IN (6, 7) ORDER BY source_line`,
  )) as { line: number; info: string | null }[];
  const nul = rows.filter((r) => r.line % 39 === 7);
  const clean = rows.filter((r) => r.line % 39 === 6);
  expect(nul).toHaveLength(30);
  for (const r of nul) expect(r.info).toMatch(/^x\uFFFD/);
  // The records around them as written: no replacement character.
  expect(clean).toHaveLength(30);
  for (const r of clean) expect(r.info ?? '').not.toContain('\uFFFD');
});
