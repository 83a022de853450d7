import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { ImportBatches } from '../import/import-batches';
import { createDataSource } from './data-source';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded';

export interface Database {
  dataSource: DataSource;
  url: string;
  embedded: boolean;
  /** Which database this is, for people: the embedded data folder, or the URL without its password. */
  description: string;
  close(): Promise<void>;
}

/** A connection URL as it may be shown: user, host, port and database; never the password or query options. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.username ? decodeURIComponent(u.username) + '@' : ''}${u.host}${u.pathname}`;
}

/** Migrations run on their own connection, free of the API's statement_timeout (an index build may take long). */
async function migrate(url: string, logger: Logger): Promise<void> {
  const dataSource = createDataSource(url, { poolSize: 1, applicationName: 'mailtrail-migrate' });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  } finally {
    await dataSource.destroy();
  }
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL when it is unset; then applies migrations. */
export async function openDatabase(config: Config, logger: Logger, opts: { migrate?: boolean } = {}): Promise<Database> {
  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  if (!url) {
    const started = Date.now();
    embedded = await startEmbeddedDatabase({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      log: (message, level = 'info') => logger[level](message),
    });
    url = embedded.url;
    logger.info({ dataDir: config.dataDir, port: config.embeddedPgPort, ms: Date.now() - started }, 'embedded PostgreSQL started');
  }
  const dataSource = createDataSource(url, {
    statementTimeoutMs: config.readStatementTimeoutMs,
    jit: config.databaseJit,
    onPoolError: (error) => logger.warn({ err: error }, 'an idle database connection was lost; it is replaced on next use'),
  });
  try {
    if (opts.migrate !== false) await migrate(url, logger);
    await dataSource.initialize();
    if (opts.migrate !== false) {
      // A batch whose importing session is gone is marked now, by whatever opened the database first.
      const interrupted = await new ImportBatches(dataSource).markInterrupted();
      if (interrupted.length > 0) logger.warn({ batches: interrupted }, 'import batches interrupted by a stopped process marked FAILED');
    }
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    if (embedded) await embedded.stop();
    throw error;
  }
  return {
    dataSource,
    url,
    embedded: embedded !== null,
    description: embedded ? `embedded PostgreSQL, data in ${embedded.pgData}` : describeUrl(url),
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (embedded) await embedded.stop();
    },
  };
}
