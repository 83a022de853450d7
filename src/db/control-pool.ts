/**
 * A small pool beside the main one, for work that must never queue behind requests: the readiness probe and
 * cancelling the SQL of a request whose client went away. Its own connections, short timeouts, errors logged.
 */
import { Pool } from 'pg';
import type { Logger } from '../logger';

const PROBE_TIMEOUT_MS = 2_000;
/** Probes within this window share one answer, so a storm of /readyz calls costs one query. */
const PROBE_CACHE_MS = 1_000;

export class ControlPool {
  private readonly pool: Pool;
  private probe: { at: number; result: Promise<boolean> } | null = null;

  constructor(url: string, private readonly logger: Logger) {
    this.pool = new Pool({
      connectionString: url,
      max: 2,
      connectionTimeoutMillis: PROBE_TIMEOUT_MS,
      idleTimeoutMillis: 10_000,
      statement_timeout: PROBE_TIMEOUT_MS,
      application_name: 'mailtrail-control',
    });
    this.pool.on('error', (error) => logger.warn({ err: error }, 'control connection lost'));
  }

  /** Whether the database answers `SELECT 1` within PROBE_TIMEOUT_MS. */
  ready(): Promise<boolean> {
    const now = Date.now();
    if (!this.probe || now - this.probe.at > PROBE_CACHE_MS) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
      const query = this.pool.query('SELECT 1').then(
        () => true,
        (error) => {
          this.logger.warn({ err: error }, 'readiness probe: database unreachable');
          return false;
        },
      );
      this.probe = { at: now, result: Promise.race([query, timeout]).finally(() => clearTimeout(timer)) };
    }
    return this.probe.result;
  }

  /** Asks PostgreSQL to cancel whatever these backends are running. */
  async cancel(pids: number[]): Promise<void> {
    if (pids.length === 0) return;
    await this.pool.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [pids]).catch((error) => {
      this.logger.warn({ err: error }, 'could not cancel the SQL of an abandoned request');
    });
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
