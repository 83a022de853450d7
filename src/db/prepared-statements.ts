/**
 * Named (prepared) statements for the reads built with the `sql` tag. PostgreSQL parses, analyses and rewrites an
 * unnamed statement on every execution; for contract 01's page of accesses that was ~1 ms of a ~4.5 ms statement
 * (docs/PERFORMANCE.md, "Sixth session"). `run()` marks each text it sends; a pool client given a marked text
 * sends it under a name derived from the text, so each connection parses it once.
 *
 * Plans are made per execution (the pool connects with plan_cache_mode=force_custom_plan, see createDataSource), so
 * no plan chosen for one session's few rows is reused for the office NAT's thousands, and a filter such as
 * `($3 IS NULL OR t.time >= $4)` is folded into an index range when a window is given. A caller passes 'generic'
 * (`run(db, statement, 'generic')`) where no parameter value can change the best plan: lookups by key, and pages of
 * children per parent without a window (`unnest($1) AS p(parent) CROSS JOIN LATERAL (...)`, loaders/paged.ts), whose
 * subplan is keyed on p.parent, known only while it runs. Planning those again on every call was ~1.3 ms of contract
 * 01 (docs/PERFORMANCE.md, "Fourteenth session"). Such a text is marked `/* generic plan *\/` and is a statement of
 * its own. Each connection remembers its plan_cache_mode and is switched with one SET, only when a statement with
 * parameters wants the other mode; inside a transaction only ever back to custom, with SET LOCAL, so that a rollback
 * cannot leave the connection in a mode other than remembered. The mode only chooses plans: no answer depends on it.
 *
 * Bounded: the API builds a few dozen distinct texts; at most MAX_NAMED get names per process, later ones run
 * unnamed as before (each name costs every connection that uses it a parsed statement, kilobytes).
 * DATABASE_PREPARE=off turns all of it off (a transaction-pooling PgBouncer older than 1.21 cannot keep named
 * statements, and no pooler in transaction mode keeps a session's settings).
 */
import crypto from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

export const MAX_NAMED = 300;

/** How a statement is planned on each execution. */
export type PlanMode = 'custom' | 'generic';

/** The start of a statement text that wants its generic plan (sql.ts `run(db, statement, 'generic')`). */
export const GENERIC_PLAN_MARK = '/* generic plan */ ';

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

const SET_MODE: Record<PlanMode, string> = {
  custom: 'SET plan_cache_mode = force_custom_plan',
  generic: 'SET plan_cache_mode = force_generic_plan',
};

/**
 * Each wrapped connection's session-level plan_cache_mode as last set: a new one starts custom (its startup
 * options); 'unknown' after a SET that failed, so the next statement sets it again.
 */
const modes = new WeakMap<PoolClient, PlanMode | 'unknown'>();

type Query = (...args: unknown[]) => unknown;

/** Each client the pool hands out sends marked texts as named statements (wrapped once per connection). */
export function prepareMarkedStatements(pool: Pool): void {
  pool.on('acquire', (client: PoolClient) => {
    if (modes.has(client)) return;
    modes.set(client, 'custom');
    const query = client.query.bind(client) as Query;
    client.query = ((...args: unknown[]) => {
      const config = typeof args[0] === 'string' ? { text: args[0], values: args[1] } : (args[0] as { text?: unknown; values?: unknown } | null);
      const name = typeof args[0] === 'string' && Array.isArray(args[1]) ? names.get(args[0]) : undefined;
      // Without parameters a statement gets the same plan in either mode: only those with some need the right one.
      if (typeof config?.text === 'string' && Array.isArray(config.values) && config.values.length > 0) {
        switchMode(client, query, name !== undefined && config.text.startsWith(GENERIC_PLAN_MARK) ? 'generic' : 'custom');
      }
      if (name === undefined) return query(...args);
      return query({ name, text: args[0], values: args[1] }, ...args.slice(2));
    }) as PoolClient['query'];
  });
}

/** Queues (pg sends a connection's queries in order) the SET that gives the next statement the plan mode it wants. */
function switchMode(client: PoolClient, query: Query, wanted: PlanMode): void {
  if (modes.get(client) === wanted) return;
  if (client.getTransactionStatus() !== 'I') {
    // In a transaction a session-level SET would be undone by a rollback: only back to custom, until its end.
    if (wanted === 'custom') (query('SET LOCAL plan_cache_mode = force_custom_plan') as Promise<unknown>).catch(() => undefined);
    return;
  }
  modes.set(client, wanted);
  // A failed SET (the connection broke) fails the statement queued after it as well.
  (query(SET_MODE[wanted]) as Promise<unknown>).catch(() => modes.set(client, 'unknown'));
}
