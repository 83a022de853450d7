/**
 * Named (prepared) statements for the reads built with the `sql` tag. PostgreSQL parses, analyses and rewrites an
 * unnamed statement on every execution; for contract 01's page of accesses that was ~1 ms of a ~4.5 ms statement
 * (docs/PERFORMANCE.md, "Sixth session"). `run()` marks each text it sends; a pool client given a marked text
 * sends it under a name derived from the text, so each connection parses it once.
 *
 * Plans are still made per execution (the pool connects with plan_cache_mode=force_custom_plan, see
 * createDataSource): the same plans as unnamed statements, whatever the parameters, so no generic plan chosen for one
 * session's few rows is reused for the office NAT's thousands.
 *
 * Bounded: the API builds a few dozen distinct texts; at most MAX_NAMED get names per process, later ones run
 * unnamed as before (each name costs every connection that uses it a parsed statement, kilobytes).
 * DATABASE_PREPARE=off turns it off (a transaction-pooling PgBouncer older than 1.21 cannot keep named statements).
 */
import crypto from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

export const MAX_NAMED = 300;

const names = new Map<string, string>();

/** Marks a statement text as worth preparing (idempotent, cheap: one Map lookup once the text is known). */
export function markPreparable(text: string): void {
  if (names.has(text) || names.size >= MAX_NAMED) return;
  names.set(text, `mt_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 24)}`);
}

/** How many texts have names in this process. */
export function namedStatementCount(): number {
  return names.size;
}

const wrapped = new WeakSet<PoolClient>();

/** Each client the pool hands out sends marked texts as named statements (wrapped once per connection). */
export function prepareMarkedStatements(pool: Pool): void {
  pool.on('acquire', (client: PoolClient) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const name = typeof args[0] === 'string' && Array.isArray(args[1]) ? names.get(args[0]) : undefined;
      if (name === undefined) return query(...args);
      return query({ name, text: args[0], values: args[1] }, ...args.slice(2));
    }) as PoolClient['query'];
  });
}
