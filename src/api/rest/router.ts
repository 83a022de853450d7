/**
 * The REST mirror under /api/v1, made from the route table: each route runs its GraphQL document on the same
 * schema, resolvers, services and per-request DataLoaders as /graphql, and answers flat rows, paged as
 * `{ value, nextLink }` (nextLink an absolute URL with the same parameters and a $skiptoken), or CSV streamed a
 * page at a time with `Accept: text/csv` / `?format=csv`. Errors have the one JSON shape of every non-GraphQL
 * route (http-errors.ts): 400 naming the parameter, 403 for the role, 404 for an unknown mailbox / session / ...
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { execute, type DocumentNode, type ExecutionResult, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import type { ImportService } from '../../import/import-service';
import type { Logger } from '../../logger';
import { createContext } from '../graphql/context';
import { DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, formatErrorFor } from '../graphql/errors';
import { recordVariables, type AccessEntry, type VariablesMode } from '../http/access-log';
import { roleAllows, type Principal } from '../http/auth';
import { csvLine } from '../http/csv';
import { sendError, sendRetryLater } from '../http/http-errors';
import { compileRoutes, type CompiledRoute } from './compile';
import { ParamError, rowOf, valueAt, type RestRoute } from './definition';
import { FORMAT_PARAM, MAX_TOP, readPaging, readParams, type Paging } from './params';
import { openApiDocument } from './openapi';
import { writeChunk } from '../../export/write-chunk';

export const REST_BASE = '/api/v1';

export interface RestDeps {
  schema: GraphQLSchema;
  routes: RestRoute[];
  dataSource: DataSource;
  logger: Logger;
  importer: ImportService;
  maxInlineImportBytes: number;
  accessLogVariables: VariablesMode;
  retryAfterSeconds: number;
}

/** `/ips/{ip}/sessions` -> `/ips/:ip/sessions`. */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** Status of a GraphQL error code met while executing (the codes errors.ts gives). */
const STATUS: Record<string, number> = { BAD_USER_INPUT: 400, QUERY_TIMEOUT: 400, FORBIDDEN: 403, DATABASE_UNAVAILABLE: 503 };

/** An answer that is not rows: the error to send. */
class RestFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type Authed = Request & { principal: Principal };

/** The document (no key needed) and the keyed routes, mounted apart under REST_BASE. */
export function restRouters(deps: RestDeps): { document: Router; api: Router } {
  const compiled = compileRoutes(deps.schema, deps.routes);
  const formatError = formatErrorFor(deps.logger);
  const router = express.Router();

  /** Runs a document with a fresh context (fresh DataLoaders: nothing is kept across pages). */
  const run = async (req: Authed, res: Response, document: DocumentNode, variables: Record<string, unknown>): Promise<ExecutionResult> => {
    const context = {
      ...createContext({ principal: req.principal, dataSource: deps.dataSource, logger: deps.logger, importer: deps.importer, maxInlineImportBytes: deps.maxInlineImportBytes }),
      accessLog: res.locals.accessLog as AccessEntry | undefined,
    };
    return (await execute({ schema: deps.schema, document, variableValues: variables, contextValue: context })) as ExecutionResult;
  };

  /** The first error of an execution as a REST failure (logged and made safe by the GraphQL error formatter). */
  const failureOf = (route: RestRoute, error: GraphQLError): RestFailure => {
    const formatted = formatError(error.toJSON(), error);
    const code = String(formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    const status = STATUS[code] ?? 500;
    const extra: Record<string, unknown> = {};
    if (status === 400) {
      // Say which parameter, when the message names it ("from: ...", "Invalid cursor").
      const named = route.params.find((p) => formatted.message.startsWith(`${p.name}:`) || formatted.message.startsWith(`${p.name} `));
      if (named) extra.param = named.name;
      else if (/cursor/i.test(formatted.message)) extra.param = '$skiptoken';
    }
    if (formatted.extensions?.errorId) extra.errorId = formatted.extensions.errorId;
    return new RestFailure(status, code, formatted.message, extra);
  };

  /** One page (or the list / object) of a route: its rows, the meta fields, the next cursor. */
  const fetchPage = async (req: Authed, res: Response, c: CompiledRoute, params: Record<string, unknown>, paging: Paging | null) => {
    const { route } = c;
    const variables: Record<string, unknown> = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    if (paging) Object.assign(variables, { first: paging.top, after: paging.skiptoken });
    const result = await run(req, res, c.document, variables);
    const data = result.data as Record<string, unknown> | null | undefined;
    if (route.notFound && !c.probe && data && valueAt(data, route.notFound.at) === null) throw new RestFailure(404, 'NOT_FOUND', route.notFound.message(params));
    if (result.errors?.length) {
      if (!data && c.probe) {
        const probe = await run(req, res, c.probe, variables);
        if (!probe.errors?.length && valueAt(probe.data, route.notFound!.at) === null) throw new RestFailure(404, 'NOT_FOUND', route.notFound!.message(params));
      }
      throw failureOf(route, result.errors[0]);
    }
    const value = valueAt(data, route.at);
    const meta = route.meta ? rowOf(valueAt(data, route.meta.at), route.meta.columns) : {};
    if (route.shape === 'object') return { rows: [rowOf(value, route.columns)], meta, next: null };
    if (route.shape === 'list') {
      const items = route.rows ? route.rows.of(value) : (value as unknown[]);
      return { rows: items.map((item) => rowOf(item, route.columns)), meta, next: null };
    }
    const connection = value as { edges: { node: unknown }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    return {
      rows: connection.edges.map((e) => rowOf(e.node, route.columns)),
      meta,
      next: connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null,
    };
  };

  const wantsCsv = (req: Request): boolean => {
    const format = req.query[FORMAT_PARAM];
    if (typeof format === 'string' && format !== '') {
      if (!['csv', 'json'].includes(format.toLowerCase())) throw new ParamError(FORMAT_PARAM, `format must be json or csv (got ${JSON.stringify(format.slice(0, 40))}).`);
      return format.toLowerCase() === 'csv';
    }
    return req.accepts(['application/json', 'text/csv']) === 'text/csv';
  };

  /** The same URL with the next page's token: absolute, with the caller's flat parameters. */
  const nextLinkOf = (req: Request, cursor: string): string => {
    const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host')}`);
    url.searchParams.delete('skiptoken');
    url.searchParams.set('$skiptoken', cursor);
    return url.toString();
  };

  const handle = (c: CompiledRoute) => async (req: Request, res: Response, next: NextFunction) => {
    const authed = req as Authed;
    const { route } = c;
    const entry = res.locals.accessLog as AccessEntry | undefined;
    if (entry) entry.operation = route.operationId;
    res.locals.accessRoute = `GET ${REST_BASE}${route.path}`;
    try {
      if (!roleAllows(authed.principal.role, c.role)) {
        throw new RestFailure(403, 'FORBIDDEN', c.role === 'admin' ? 'This needs an admin API key.' : `This needs a ${c.role} API key.`);
      }
      const csv = wantsCsv(req);
      const params = readParams(route, req.params as Record<string, string>, req.query as Record<string, unknown>);
      const paging = route.shape === 'page' ? readPaging(req.query as Record<string, unknown>) : null;
      if (entry) entry.variables = recordVariables({ ...params, ...(paging ?? {}) }, deps.accessLogVariables);
      if (csv) return await streamCsv(authed, res, c, params, paging);
      const page = await fetchPage(authed, res, c, params, paging);
      if (entry) entry.rows = page.rows.length;
      res.setHeader('cache-control', 'no-store');
      if (route.shape === 'object') return res.json(page.rows[0]);
      const body: Record<string, unknown> = { ...page.meta, value: page.rows };
      if (route.shape === 'page') body.nextLink = page.next ? nextLinkOf(req, page.next) : null;
      res.json(body);
    } catch (error) {
      if (res.headersSent) {
        deps.logger.error({ err: error, route: route.operationId }, 'REST CSV failed after the download started');
        return void res.destroy();
      }
      if (error instanceof ParamError) return sendError(res, 400, 'BAD_USER_INPUT', error.message, { param: error.param });
      if (error instanceof RestFailure) {
        if (error.code === DATABASE_UNAVAILABLE) return sendRetryLater(res, 503, DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, deps.retryAfterSeconds);
        return sendError(res, error.status, error.code, error.message, error.extra);
      }
      next(error);
    }
  };

  /** Every page from the one asked for on, written as it comes (memory holds one page, whatever the total). */
  const streamCsv = async (req: Authed, res: Response, c: CompiledRoute, params: Record<string, unknown>, paging: Paging | null) => {
    const columns = c.route.columns;
    // Without an explicit top, CSV fetches the largest pages: fewer round trips for the same rows.
    const top = req.query.top === undefined ? MAX_TOP : (paging?.top ?? MAX_TOP);
    let page = await fetchPage(req, res, c, params, paging && { ...paging, top });
    res.status(200);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${c.route.operationId}.csv"`);
    res.setHeader('cache-control', 'no-store');
    await writeChunk(res, csvLine(columns.map((col) => col.name)));
    let rows = 0;
    for (;;) {
      await writeChunk(res, page.rows.map((row) => csvLine(columns.map((col) => row[col.name]))).join(''));
      rows += page.rows.length;
      if (!page.next || res.destroyed) break;
      page = await fetchPage(req, res, c, params, { top, skiptoken: page.next });
    }
    const entry = res.locals.accessLog as AccessEntry | undefined;
    if (entry) entry.rows = rows;
    res.end();
  };

  const document = express.Router();
  document.get('/openapi.json', (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json(openApiDocument(deps.routes, `${req.protocol}://${req.get('host')}${REST_BASE}`));
  });
  for (const c of compiled) {
    router.get(expressPath(c.route.path), handle(c));
    router.all(expressPath(c.route.path), (_req, res) => {
      res.setHeader('allow', 'GET, HEAD');
      sendError(res, 405, 'METHOD_NOT_ALLOWED', 'The REST mirror is read-only: use GET.');
    });
  }
  router.use((req, res) => sendError(res, 404, 'NOT_FOUND', `No route GET ${REST_BASE}${req.path}: ${REST_BASE}/openapi.json lists them.`));
  return { document, api: router };
}

