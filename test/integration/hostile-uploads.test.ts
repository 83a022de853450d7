/** Issue 8, finding 2: a file that is not an export is refused from its head, over HTTP and in the CLI. */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../support/server';
import { fixture } from '../support/fixtures';

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
