import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';
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
  const dataSource = createDataSource(url);
  try {
    await dataSource.initialize();
    if (opts.migrate !== false) {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
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
