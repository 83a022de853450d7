/** `mailtrail serve` says what to fix when it cannot start, instead of a stack trace. */
import net from 'node:net';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';

const serve = (env: Record<string, string>) => runCli(['serve'], { env, timeoutMs: 30_000 });

describe('mailtrail serve refuses clearly', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  test('when its port is taken', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { code, stderr } = await serve({ DATABASE_URL: db.url, PORT: String(port), LOG_LEVEL: 'error' });
      expect(code).toBe(1);
      expect(stderr).toContain(`Port ${port} on 127.0.0.1 is already in use: stop the other program or set PORT to a free port.`);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  test('when a setting is invalid, naming the variable', async () => {
    const { code, stderr } = await serve({ DATABASE_URL: db.url, PORT: 'http' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/PORT="http" is not valid: expected a whole number from 0 to 65535/);
  });
});
