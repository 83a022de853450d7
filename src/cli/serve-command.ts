/** `mailtrail serve`: the API, over DATABASE_URL or the embedded PostgreSQL, until a signal stops both. */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import type { Logger } from '../logger';
import { ApiKeyStore } from '../api/http/auth';
import { startServer } from '../api/http/server';
import { ImportService, importerOptionsOf } from '../import/import-service';
import { onShutdown } from './shutdown';

/** The first start creates an admin key and writes it where the README says, so GraphiQL works at once. */
async function ensureApiKey(config: Config, db: Database, logger: Logger): Promise<void> {
  const keys = new ApiKeyStore(db.dataSource);
  const fromEnv = process.env.MAILTRAIL_API_KEY?.trim();
  if (fromEnv) {
    await keys.ensure(fromEnv, 'MAILTRAIL_API_KEY');
    return;
  }
  const keyFile = path.join(config.dataDir, 'api-key');
  if ((await keys.count()) > 0) {
    if (fs.existsSync(keyFile)) logger.info({ keyFile }, 'API key: see this file (send it as "Authorization: Bearer <key>")');
    return;
  }
  const key = await keys.create({ name: 'first admin key', role: 'admin' });
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(keyFile, key + '\n', { mode: 0o600 });
  logger.info({ keyFile }, 'created the first API key (admin) and wrote it to this file; send it as "Authorization: Bearer <key>"');
}

export async function serve(config: Config, logger: Logger): Promise<void> {
  const started = Date.now();
  const opening = openDatabase(config, logger);
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  // Every way out (signal, fatal error), even while starting, stops what was started, the embedded PostgreSQL last.
  onShutdown(
    logger,
    async (cause) => {
      logger.info({ cause }, 'shutting down');
      await server?.stop();
      await (await opening.catch(() => null))?.close();
    },
    { signalExitCode: 'zero' },
  );
  const db = await opening;
  try {
    await ensureApiKey(config, db, logger);
    // Imports whose process died (crash, kill -9, power loss) show as FAILED with how to finish them: now, and
    // every minute for imports run by other processes (`mailtrail import`) while this server is up.
    const importer = new ImportService(db.dataSource, logger, importerOptionsOf(config));
    const markInterrupted = async () => {
      const interrupted = await importer.markInterruptedBatches().catch(() => 0);
      if (interrupted) logger.warn({ batches: interrupted }, 'marked interrupted imports as FAILED; import those files again to complete them');
      // Search indexes such an import had deferred (a bulk load into empty tables) are built again, in the background.
      // Then the apps and sessions it left uncounted are counted (nothing to do, one small query, when there are none).
      void importer.rebuildLeftoverIndexes().then(
        async (built) => {
          if (built) logger.warn({ indexes: built }, 'built the search indexes an interrupted import had deferred');
          await importer.countUncounted();
        },
        (err) => logger.warn({ err }, 'building the search indexes an interrupted import had deferred failed; retrying in a minute'),
      );
    };
    await markInterrupted();
    setInterval(() => void markInterrupted(), 60_000).unref();
    server = await startServer({ config, dataSource: db.dataSource, logger });
  } catch (error) {
    await db.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(`Port ${config.port} on ${config.host} is already in use: stop the other program or set PORT to a free port.`);
    }
    throw error;
  }
  logger.info(
    { url: server.url, graphiql: `${server.url}/`, database: db.description, ms: Date.now() - started },
    'mailtrail is listening',
  );
}
