/**
 * Who looked at the evidence: one `access_log` row per API request (key, route, GraphQL operation, variables,
 * rows returned, status, duration), queued after the answer and written in batches by AccessLogWriter on a
 * connection of the pool outside any request (not counted as a request's SQL, not cancelled with it). Variable
 * values are hashed unless configured otherwise: the log says what was asked for without becoming a second copy of
 * the evidence.
 */
import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Pool } from 'pg';
import { outsideAnyRequest } from '../../db/request-scope';
import { isDatabaseUnavailable } from '../../db/unavailable';
import type { Logger } from '../../logger';
import type { Principal } from './auth';

export type VariablesMode = 'hashed' | 'plain' | 'none';

/** What the GraphQL layer adds to a request's row (the access-log plugin fills it in). */
export interface AccessEntry {
  operation: string | null;
  variables: Record<string, unknown> | null;
  rows: number | null;
  /**
   * Counts the rows instead of `rows`, when the row is written: after the answer has been sent, so walking a large
   * answer does not delay it.
   */
  countRows?: () => number;
}

/** The request's entry, for the GraphQL context; absent outside logged routes. */
export function accessEntryOf(res: Response): AccessEntry | undefined {
  return res.locals.accessLog as AccessEntry | undefined;
}

export function recordVariables(variables: Record<string, unknown> | undefined, mode: VariablesMode): Record<string, unknown> | null {
  if (!variables || mode === 'none') return null;
  if (mode === 'plain') return variables;
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [name, `sha256:${crypto.createHash('sha256').update(JSON.stringify(value) ?? 'undefined').digest('hex')}`]),
  );
}

/**
 * Where an answer's rows can be: the response keys of a selection, each with the shape of its own selection (null
 * for a leaf field). Fragments are merged in; a key selected twice has the union of its selections.
 */
export interface RowShape {
  keys: string[];
  children: (RowShape | null)[];
}

export function rowShapeOf(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): RowShape {
  const byKey = new Map<string, Map<string, unknown> | null>();
  const collect = (selections: SelectionSetNode, into: Map<string, unknown>, seen: Set<string>) => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (!selection.selectionSet) {
          if (!into.has(key)) into.set(key, null);
          continue;
        }
        let child = into.get(key) as Map<string, unknown> | null | undefined;
        if (!child) into.set(key, (child = new Map()));
        collect(selection.selectionSet, child, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet, into, seen);
      } else {
        const fragment = fragments[selection.name.value];
        if (!fragment || seen.has(fragment.name.value)) continue;
        collect(fragment.selectionSet, into, new Set([...seen, fragment.name.value]));
      }
    }
  };
  collect(set, byKey as Map<string, unknown>, new Set());
  const toShape = (map: Map<string, unknown>): RowShape => {
    const keys: string[] = [];
    const children: (RowShape | null)[] = [];
    for (const [key, child] of map) {
      keys.push(key);
      children.push(child ? toShape(child as Map<string, unknown>) : null);
    }
    return { keys, children };
  };
  return toShape(byKey as Map<string, unknown>);
}

/**
 * Objects in lists of an answer: its rows, at every level (edges, nodes of plain lists). Plain loops: it walks
 * every object of the answer (1,500 on a page of 500 accesses), without an array or closure per object.
 * With the answer's `shape` (rowShapeOf its operation) it reads only the keys that may hold objects instead of
 * enumerating every key: graphql-js builds its results as null-prototype objects, slow to enumerate (contract 01:
 * 0.23 ms enumerated, 0.06 ms by shape). A leaf's value is still looked at: a JSON scalar may hold rows.
 */
export function countRows(value: unknown, shape?: RowShape | null): number {
  if (value === null || typeof value !== 'object') return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === 'object') n += 1 + countRows(item, shape);
    }
    return n;
  }
  if (shape) {
    const { keys, children } = shape;
    for (let i = 0; i < keys.length; i++) {
      const item = (value as Record<string, unknown>)[keys[i]];
      if (item !== null && typeof item === 'object') n += countRows(item, children[i]);
    }
    return n;
  }
  for (const key in value) if (Object.hasOwn(value, key)) n += countRows((value as Record<string, unknown>)[key]);
  return n;
}

/** One access_log row, as the middleware collects it. */
interface AccessRow {
  at: Date;
  orgId: number;
  keyId: number;
  keyName: string;
  route: string;
  operation: string | null;
  variables: string | null;
  rows: number | null;
  status: number;
  durationMs: number;
}

/** Rows wait until this many are pending, or ACCESS_LOG_FLUSH_MS (config, 200 ms by default), before one INSERT. */
export const ACCESS_LOG_FLUSH_ROWS = 200;
/** While the database is unreachable, rows are kept (up to this many) and tried again this often. */
export const ACCESS_LOG_MAX_PENDING = 10_000;
export const ACCESS_LOG_RETRY_MS = 5_000;

const writers = new Set<AccessLogWriter>();

/**
 * Writes access_log rows in batches: one INSERT per `flushMs` (ACCESS_LOG_FLUSH_MS) instead of one statement and commit per
 * request (on contract 01 up to 1.6 ms of median latency, docs/PERFORMANCE.md, "Sixth session"). A row's `at` is
 * when its answer was sent, not when its batch was written. Reading the log writes what is pending first
 * (flushAccessLogs), and stopping the server writes the rest. While the database is unreachable the rows wait and
 * are tried again (a restart loses none of them, up to ACCESS_LOG_MAX_PENDING); a crash of this process loses at most
 * the last 200 ms of rows.
 */
export class AccessLogWriter {
  private pending: AccessRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    private readonly flushMs = 200,
  ) {
    writers.add(this);
  }

  add(row: AccessRow): void {
    this.pending.push(row);
    if (this.pending.length >= ACCESS_LOG_FLUSH_ROWS || this.flushMs === 0) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs).unref();
  }

  /** Writes every pending row; resolves when they (and any earlier batch) are in the table or have been reported. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.pending;
    this.pending = [];
    if (rows.length > 0) this.writing = this.writing.then(() => this.insert(rows));
    return this.writing;
  }

  /** Writes what is pending, waiting at most `withinMs`: a database that does not answer must not hold a shutdown. */
  async stop(withinMs = 3_000): Promise<void> {
    writers.delete(this);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), withinMs)));
    const rows = this.pending.length;
    const written = this.flush().then(() => false);
    if (await Promise.race([written, gaveUp])) this.logger.error({ rows }, 'stopping before the last access log rows could be written');
    clearTimeout(timer);
  }

  private async insert(rows: AccessRow[]): Promise<void> {
    const column = <K extends keyof AccessRow>(k: K) => rows.map((r) => r[k]);
    try {
      await outsideAnyRequest(() =>
        this.pool.query(
          `INSERT INTO access_log (at, org_id, key_id, key_name, route, operation, variables, rows_returned, status, duration_ms)
           SELECT * FROM unnest($1::timestamptz[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::int[], $9::smallint[], $10::int[])`,
          [column('at'), column('orgId'), column('keyId'), column('keyName'), column('route'), column('operation'), column('variables'), column('rows'), column('status'), column('durationMs')],
        ),
      );
    } catch (err) {
      if (isDatabaseUnavailable(err) && this.pending.length + rows.length <= ACCESS_LOG_MAX_PENDING) {
        // Kept in order ahead of newer rows, and tried again: an outage of the database loses no row.
        this.pending = [...rows, ...this.pending];
        this.timer ??= setTimeout(() => void this.flush(), ACCESS_LOG_RETRY_MS).unref();
        this.logger.warn({ err, rows: this.pending.length }, 'access log rows wait for the database');
        return;
      }
      this.logger.error({ err, rows: rows.length, routes: [...new Set(column('route'))] }, 'could not write access log rows; they are lost');
    }
  }
}

/** Writes the pending rows of every writer in this process: the log is read with every answered request in it. */
export async function flushAccessLogs(): Promise<void> {
  await Promise.all([...writers].map((w) => w.flush()));
}

/** Express middleware (after authentication): queues the row when the answer has been sent or abandoned. */
export function accessLog(writer: AccessLogWriter) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const entry: AccessEntry = { operation: null, variables: null, rows: null };
    res.locals.accessLog = entry;
    const principal = (req as Request & { principal: Principal }).principal;
    res.once('close', () => {
      // When the answer was sent (or abandoned): what the row's insert time was before rows were batched.
      const at = new Date();
      const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
      // A client gone before the answer is recorded as 499 (nginx's "client closed request").
      const status = res.writableFinished ? res.statusCode : 499;
      // A router may name its route as a template (the REST mirror: no evidence values in the log).
      const route = (res.locals.accessRoute as string | undefined) ?? `${req.method} ${req.baseUrl || req.path}`;
      writer.add({
        at,
        orgId: principal.orgId,
        keyId: principal.keyId,
        keyName: principal.name,
        route,
        operation: entry.operation,
        variables: entry.variables && JSON.stringify(entry.variables),
        rows: entry.countRows ? entry.countRows() : entry.rows,
        status,
        durationMs,
      });
    });
    next();
  };
}
