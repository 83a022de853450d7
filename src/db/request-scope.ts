/**
 * Which backends are running SQL for which HTTP request, so a request whose client disconnects can have its SQL
 * cancelled (pg_cancel_backend) instead of holding pool connections for minutes. Every query made through the
 * main pool is attributed, through AsyncLocalStorage, to the request that made it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient } from 'pg';

export class RequestScope {
  /** Backend pids with a statement of this request in flight. */
  readonly running = new Set<number>();
  abandoned = false;
}

const scopes = new AsyncLocalStorage<RequestScope>();

export function runInScope<T>(scope: RequestScope, work: () => T): T {
  return scopes.run(scope, work);
}

/** Work that must finish even if the request that started it is abandoned (an import records its outcome). */
export function outsideAnyRequest<T>(work: () => T): T {
  return scopes.exit(work);
}

export class RequestAbandonedError extends Error {
  constructor() {
    super('The client disconnected; the request was abandoned.');
  }
}

type Query = PoolClient['query'];

const tracked = new WeakSet<PoolClient>();

/** Wraps the query method of each client the pool hands out (once per connection, not per query). */
export function trackRequestQueries(pool: Pool): void {
  pool.on('acquire', (client: PoolClient & { processID?: number }) => {
    if (tracked.has(client)) return;
    tracked.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const scope = scopes.getStore();
      if (!scope) return query(...args);
      if (scope.abandoned) return Promise.reject(new RequestAbandonedError());
      const result = query(...args);
      const pid = client.processID;
      if (pid === undefined || !(result instanceof Promise)) return result;
      scope.running.add(pid);
      return result.finally(() => scope.running.delete(pid));
    }) as Query;
  });
}
