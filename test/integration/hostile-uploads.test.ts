/** Issue 8, finding 2: a file that is not an export is refused from its head, over HTTP and in the CLI. */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../support/server';
import { fixture, newOrganization } from '../support/fixtures';

const ROOT = path.join(__dirname, '../..');

describe('a non-export upload', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-hostile-'));
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('over HTTP is answered from its first 64 KiB while the rest has not even been sent', async () => {
    const started = Date.now();
    const answer = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = http.request(`${t.url}/imports?fileName=random.bin`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/octet-stream' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      // 128 KiB of noise, then the upload stalls: the answer must not wait for the end of the body.
      req.write(crypto.randomBytes(128 * 1024));
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(answer.status).toBe(422);
    expect(answer.body.batches[0]).toMatchObject({ status: 'FAILED', sha256: '' }); // not read whole, so not hashed
    expect(answer.body.batches[0].error).toMatch(/does not look like an audit export: it looks like binary data/);
  });

  test('in the CLI is refused, the next file is imported, and the exit status is 1', async () => {
    const noise = path.join(dir, 'random.bin');
    fs.writeFileSync(noise, crypto.randomBytes(8 * 1024 * 1024));
    const result = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'bin/mailtrail.js'), 'import', '--json', noise, fixture('audit.ndjson')],
      { env: { ...process.env, DATABASE_URL: t.db.url } },
    ).then(
      () => ({ code: 0, stdout: '' }),
      (e) => ({ code: e.code as number, stdout: e.stdout as string }),
    );
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.totals).toMatchObject({ files: 2, failedFiles: 1, recordsRead: 39 });
    const [refused, good] = summary.files;
    expect(refused.batches[0]).toMatchObject({
      status: 'FAILED',
      // The refused file is still hashed whole, from disk.
      sha256: crypto.createHash('sha256').update(fs.readFileSync(noise)).digest('hex'),
      recordsRead: 0,
    });
    expect(good.batches[0]).toMatchObject({ status: 'SUCCEEDED', recordsRead: 39 });
  });
});

/** POSTs `parts` to /imports, waiting `gapMs` between them; `end: false` leaves the upload hanging after them. */
function paced(t: TestServer, parts: Buffer[], gapMs: number, end = true): Promise<{ status: number; body: any; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${t.url}/imports?fileName=paced.ndjson`, { method: 'POST', headers: { authorization: `Bearer ${t.key}` } });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), ms: Date.now() - started }));
    });
    req.on('error', reject);
    void (async () => {
      for (const part of parts) {
        if (req.destroyed) return;
        req.write(part);
        await new Promise((r) => setTimeout(r, gapMs));
      }
      if (end) req.end();
    })();
  });
}

describe('uploads and time (issue 8, finding 5)', () => {
  let t: TestServer;
  const file = fs.readFileSync(fixture('audit.ndjson'));
  const parts = Array.from({ length: 8 }, (_, i) => file.subarray(Math.floor((i * file.length) / 8), Math.floor(((i + 1) * file.length) / 8)));
  beforeAll(async () => {
    t = await startTestServer({ UPLOAD_IDLE_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => t.close());

  test('Node\'s 300 s request timeout does not apply: an upload that keeps sending may take as long as it needs', async () => {
    expect(t.server.httpServer.requestTimeout).toBe(0);
    const answer = await paced(t, parts, 400);
    expect(answer.ms).toBeGreaterThan(2_500); // longer than the idle timeout, in total
    expect(answer.status).toBe(200);
    expect(answer.body.batches[0]).toMatchObject({ status: 'SUCCEEDED', recordsRead: 39 });
  });

  test('an upload that stops sending fails its batch after the idle timeout, and says so', async () => {
    const answer = await paced(t, parts.slice(0, 4), 100, false);
    expect(answer.ms).toBeLessThan(5_000);
    expect(answer.status).toBe(422);
    expect(answer.body.batches[0].status).toBe('FAILED');
    expect(answer.body.batches[0].error).toMatch(/the upload sent nothing for 1 s/);
  });
});

describe('text that is not clean (issue 8, finding 8)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  test('invalid UTF-8 is replaced, counted per batch, and the first line named', async () => {
    const orgId = await newOrganization(t.db.dataSource, 'utf8');
    const lines = fs.readFileSync(fixture('audit.ndjson'), 'utf8').split('\n').filter(Boolean);
    const bad = (line: string) => {
      const at = line.indexOf('"ClientInfoString":"') + '"ClientInfoString":"'.length;
      // A lone continuation byte and a truncated 3-byte sequence; a genuine U+FFFD elsewhere is not counted.
      return Buffer.concat([Buffer.from(line.slice(0, at)), Buffer.from([0x80]), Buffer.from([0xe2, 0x82]), Buffer.from(line.slice(at))]);
    };
    const parts = lines.map((line, i) =>
      i === 2 || i === 10 ? bad(line) : Buffer.from(i === 5 ? line.replace('"Operation":', '"Note":"\uFFFD","Operation":') : line),
    );
    const content = Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')]));
    const [batch] = await t.importer.importStream(Readable.from([content]), { orgId, fileName: 'latin.ndjson', source: 'http' });
    expect(batch).toMatchObject({ status: 'SUCCEEDED', recordsRead: 39, rejected: 0 });
    expect(batch.warnings).toEqual([expect.stringMatching(/^4 invalid UTF-8 byte sequences were replaced by U\+FFFD \(first at line 3\)/)]);
  });
});
