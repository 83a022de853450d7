/** Scratch databases for the benchmarks: on DATABASE_URL's server, or on the embedded PostgreSQL when it is unset. */
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded';

export interface BenchServer {
  adminUrl: string;
  urlFor(database: string): string;
  recreate(database: string): Promise<string>;
  close(): Promise<void>;
}

export async function benchServer(): Promise<BenchServer> {
  const config = loadConfig();
  let embedded: EmbeddedDatabase | null = null;
  let adminUrl = config.databaseUrl;
  if (!adminUrl) {
    embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, port: config.embeddedPgPort });
    adminUrl = embedded.url;
  }
  const urlFor = (database: string) => {
    const url = new URL(adminUrl!);
    url.pathname = `/${database}`;
    return url.toString();
  };
  return {
    adminUrl,
    urlFor,
    async recreate(database: string) {
      const admin = new Client({ connectionString: adminUrl! });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${database}`);
      await admin.end();
      return urlFor(database);
    },
    async close() {
      if (embedded) await embedded.stop();
    },
  };
}
