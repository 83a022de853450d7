/**
 * Chunks are bounded by their text as well as by their record count: memory follows the text (a chunk of 3,000
 * records listing 250 items each ran the import worker out of its heap), so a file of large records must give
 * smaller chunks, and nothing may be lost or repeated at the cuts.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { ACCESS_WEIGHT, prepareFiles, type PrepareEvent } from '../../src/import/prepare';
import { readAuditExport } from '../../src/import/read';
import { unpackTexts } from '../../src/evidence/blocks';
import { bindRecord, fixture } from '../support/fixtures';

type Chunk = Extract<PrepareEvent, { kind: 'chunk' }>;

async function chunksOf(text: string, chunkRecords: number, chunkChars?: number): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for await (const event of prepareFiles(readAuditExport(Readable.from([Buffer.from(text)])), chunkRecords, false, chunkChars)) {
    if (event.kind === 'chunk') chunks.push(event);
  }
  return chunks;
}

describe('cutting prepared records into chunks', () => {
  const lines = fs.readFileSync(fixture('audit.ndjson'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const text = lines.join('\n') + '\n';
  const charsOf = (chunk: Chunk) => chunk.records.reduce((n, r) => n + r.rawJson.length, 0);
  const linesOf = (chunks: Chunk[]) => chunks.flatMap((c) => c.records.map((r) => r.line));

  test('a text bound cuts before the record count does, and every record is in exactly one chunk, in order', async () => {
    const whole = await chunksOf(text, 1_000_000, Infinity);
    expect(whole).toHaveLength(1);
    const all = linesOf(whole);
    expect(all.length).toBeGreaterThanOrEqual(10);
    const longest = Math.max(...whole[0].records.map((r) => r.rawJson.length));
    const bound = 3 * longest;
    const cut = await chunksOf(text, 1_000_000, bound);
    expect(cut.length).toBeGreaterThan(1);
    expect(linesOf(cut)).toEqual(all);
    for (const chunk of cut) {
      // Cut as soon as the text reaches the bound: without its last record, a chunk is under it.
      expect(charsOf(chunk) - chunk.records[chunk.records.length - 1].rawJson.length).toBeLessThan(bound);
    }
    // And it did cut: no chunk holds more than the bound plus one record.
    expect(Math.max(...cut.map(charsOf))).toBeLessThan(bound + longest);
  });

  test('listed items weigh too: records with many items make smaller chunks than their text alone would', async () => {
    const many = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify(bindRecord({
        id: `5c000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`,
        creationTime: '2025-07-01T01:00:00',
        items: Array.from({ length: 40 }, (_, j) => ({ InternetMessageId: `<m${i}-${j}@example.com>` })),
      })),
    );
    const textLength = many[0].length;
    const weight = textLength + 40 * ACCESS_WEIGHT;
    const bound = 4 * weight;
    const chunks = await chunksOf(many.join('\n') + '\n', 1_000_000, bound);
    expect(chunks.flatMap((c) => c.records.map((r) => r.line))).toEqual(many.map((_, i) => i + 1));
    // Cut when the weight reaches the bound: 4 records a chunk. By text alone it would be ceil(bound / text) records.
    expect(chunks.map((c) => c.records.length)).toEqual([4, 4, 4, 4, 4]);
    expect(Math.ceil(bound / textLength)).toBeGreaterThan(4);
  });

  test('one record longer than the bound is a chunk of its own, not an error', async () => {
    const chunks = await chunksOf(text, 1_000_000, 1);
    expect(chunks.every((c) => c.records.length + c.rejections.length === 1)).toBe(true);
    expect(linesOf(chunks)).toEqual(linesOf(await chunksOf(text, 1_000_000, Infinity)));
  });

  test('the record count still bounds a chunk of small records', async () => {
    const chunks = await chunksOf(text, 2, Infinity);
    expect(chunks.every((c) => c.records.length + c.rejections.length <= 2)).toBe(true);
    expect(chunks.length).toBeGreaterThanOrEqual(5);
  });
});

describe('records prepared ahead for the loader (the worker thread)', () => {
  test('come without their texts, which the packed blocks give back exactly, with each NUL record marked', async () => {
    const lines = fs.readFileSync(fixture('audit.ndjson'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const withNul = JSON.stringify({ ...JSON.parse(lines[0]), Id: '5c000000-0000-4000-8000-00000000aa01', ClientInfoString: 'Client=\u0000OWA' });
    const all = [...lines, withNul];
    const chunks: Chunk[] = [];
    for await (const event of prepareFiles(readAuditExport(Readable.from([Buffer.from(all.join('\n') + '\n')])), 5, true)) {
      if (event.kind === 'chunk') chunks.push(event);
    }
    expect(chunks.length).toBeGreaterThan(1);
    const texts = chunks.flatMap((c) => {
      expect(c.evidence?.textsOnlyHere).toBe(true);
      expect(c.records.every((r) => r.rawJson === '')).toBe(true);
      return unpackTexts(c.evidence!);
    });
    expect(texts).toEqual(all);
    expect(chunks.flatMap((c) => c.records.map((r) => r.hasNul))).toEqual(all.map((_, i) => i === all.length - 1));
  });
});
