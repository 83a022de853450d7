import 'reflect-metadata';
import { types, type Pool } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from '../model';
import { QueryCounter } from './query-counter';

/**
 * pg's parser of a bigint's text tests it against a regular expression and answers the text either way: ids are
 * handed over as the text PostgreSQL sent (a page of 500 accesses has 4,000 of them).
 */
const INT8 = 20;
const keepText = (text: string) => text;
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary' ? keepText : types.getTypeParser(oid, format as 'text')) as typeof types.getTypeParser,
};

/** The pg pool under a TypeORM data source (TypeORM does not type it): for COPY, LISTEN and per-connection hooks. */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/**
 * The TypeORM data source: schema comes only from migrations (synchronize is off). `statementTimeoutMs` bounds
 * every statement of its pool (import work raises it on its own connection, see import-connection.ts). `jit: false`
 * turns PostgreSQL's JIT off for the pool's connections in the startup packet (no extra statement per connection):
 * JIT compiling cost more than it saved on the API's short statements.
 */
export function createDataSource(
  url: string,
  opts: { poolSize?: number; applicationName?: string; statementTimeoutMs?: number; jit?: boolean; onPoolError?: (error: Error) => void } = {},
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['query'],
    logger: new QueryCounter(),
    poolSize: opts.poolSize ?? 10,
    applicationName: opts.applicationName ?? 'mailtrail',
    extra: {
      types: TYPES,
      ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
      // Set in the startup packet, no statement per connection. Custom plans for named statements: see prepared-statements.ts.
      options: [...(opts.jit === false ? ['-c jit=off'] : []), '-c plan_cache_mode=force_custom_plan'].join(' '),
    },
    // An idle connection the server closed (restart, crash) is dropped by the pool and replaced on next use.
    ...(opts.onPoolError ? { poolErrorHandler: opts.onPoolError } : {}),
  });
}
