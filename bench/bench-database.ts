/** Scratch databases for the benchmarks: on DATABASE_URL's server, or on the embedded PostgreSQL when it is unset. */
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded';

export interface BenchServer {
  adminUrl: string;
  urlFor(database: string): string;
  recreate(database: string): Promise<string>;
  drop(database: string): Promise<void>;
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
  const admin = async (...statements: string[]) => {
    const client = new Client({ connectionString: adminUrl! });
    await client.connect();
    try {
      for (const sql of statements) await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    adminUrl,
    urlFor,
    async recreate(database: string) {
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`, `CREATE DATABASE ${database}`);
      return urlFor(database);
    },
    async drop(database: string) {
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
    async close() {
      if (embedded) await embedded.stop();
    },
  };
}
