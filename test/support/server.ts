/** The real server on a random port, over a fresh test database, with an admin API key. */
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/api/http/server';
import { ApiKeyStore } from '../../src/api/http/auth';
import { ImportService } from '../../src/import/import-service';
import { createTestDatabase, type TestDatabase } from './database';

export interface TestServer {
  url: string;
  key: string;
  db: TestDatabase;
  server: RunningServer;
  importer: ImportService;
  /** POSTs a GraphQL request with the admin key; returns the parsed body and HTTP status. */
  gql(query: string, variables?: Record<string, unknown>, opts?: { key?: string | null }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export const silentLogger = pino({ level: 'silent' });

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  // The API's statement_timeout only when a test asks for it: the pool is the test database's. JIT as the server's.
  const db = await createTestDatabase({
    statementTimeoutMs: env.READ_STATEMENT_TIMEOUT_MS ? Number(env.READ_STATEMENT_TIMEOUT_MS) : undefined,
    jit: loadConfig(env).databaseJit,
  });
  const config = { ...loadConfig({ ...env, DATABASE_URL: db.url }), port: 0, host: '127.0.0.1' };
  const server = await startServer({ config, dataSource: db.dataSource, logger: silentLogger });
  const key = await new ApiKeyStore(db.dataSource).create({ name: 'test admin', role: 'admin' });
  const importer = new ImportService(db.dataSource, silentLogger, { chunkRecords: config.importChunkRecords });
  return {
    url: server.url,
    key,
    db,
    server,
    importer,
    async gql(query, variables, opts) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const useKey = opts?.key === undefined ? key : opts.key;
      if (useKey) headers.authorization = `Bearer ${useKey}`;
      const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      await server.stop();
      await db.drop();
    },
  };
}
