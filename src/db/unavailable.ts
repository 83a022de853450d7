/**
 * Telling "the database is gone for a moment" (restart, crash, network) from every other error, and riding it out
 * for the few statements that record an outcome: a failed import must still end as a FAILED batch with its reason.
 */

/** SQLSTATE class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now). */
const UNAVAILABLE_CODES = /^(08|57P0[123])/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.test(code) || NETWORK_CODES.has(code))) return true;
  return typeof message === 'string' && /Connection terminated|Client has encountered a connection error|not queryable|timeout exceeded when trying to connect/i.test(message);
}

/** Runs `work`, retrying while the database is unavailable, for up to `withinMs`. */
export async function whenDatabaseAvailable<T>(work: () => Promise<T>, withinMs = 30_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (let delay = 200; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
