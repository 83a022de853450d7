/**
 * The one connection an import runs on. It creates each batch and holds a session advisory lock on it for as long as
 * the batch loads, so "is anyone still importing batch N?" is answered by PostgreSQL itself: when the importing
 * process dies (kill -9, power loss) or the database restarts, the session and its lock go with it (see
 * import-batches.ts). It runs with the long importer statement_timeout, and a connection error while it sits
 * idle between chunks is kept for the next query instead of crashing the process.
 */
import type { Pool, PoolClient } from 'pg';
import type { ImportFormat } from '../types';
import { createRunningBatchSql, type BatchOrigin } from '../import-batches';

export class ImportConnection {
  private lost: Error | null = null;

  private constructor(readonly client: PoolClient) {
    client.on('error', (error) => {
      this.lost = error;
    });
  }

  static async open(pool: Pool, statementTimeoutMs: number): Promise<ImportConnection> {
    const client = await pool.connect();
    const connection = new ImportConnection(client);
    try {
      await client.query(`SET statement_timeout = ${Math.floor(statementTimeoutMs)}`);
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  }

  /** Creates a RUNNING batch already locked by this session: no other session ever sees it unowned. */
  async createBatch(origin: BatchOrigin, fileName: string | null, format: ImportFormat | null, sha256: string | null): Promise<string> {
    this.throwIfLost();
    await this.client.query('BEGIN');
    try {
      const insert = createRunningBatchSql(origin, fileName, format, sha256);
      const { rows } = await this.client.query(insert.text, insert.values);
      await this.client.query('SELECT pg_advisory_lock($1::bigint)', [rows[0].id]);
      await this.client.query('COMMIT');
      return rows[0].id;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** The batch is finished (or failed): its lock is no longer needed. */
  async releaseBatch(batchId: string): Promise<void> {
    if (this.lost) return;
    await this.client.query('SELECT pg_advisory_unlock($1::bigint)', [batchId]).catch(() => undefined);
  }

  throwIfLost(): void {
    if (this.lost) throw this.lost;
  }

  /** Never back to the pool: the session carries the importer timeout and maybe locks. */
  close(): void {
    this.client.release(true);
  }
}
