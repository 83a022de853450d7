/**
 * The HTTP server: GraphiQL at /, GraphQL at /graphql, streaming uploads at POST /imports, timeline downloads at
 * GET /exports/timeline, the access log as CSV at GET /access-log (admin keys; every keyed request is written to
 * it), the read-only REST mirror at /api/v1 (src/api/rest; its OpenAPI document needs no key), /healthz (liveness:
 * the process answers) and /readyz (readiness: the database answers). Everything else needs an API key.
 * Nothing a client sends may hold the process: bodies and documents are bounded per role, statements time out,
 * and the SQL of a request whose client went away is cancelled.
 */
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { ControlPool } from '../../db/control-pool';
import { poolOf } from '../../db/data-source';
import { RequestScope, runInScope, trackRequestQueries } from '../../db/request-scope';
import { prepareMarkedStatements } from '../../db/prepared-statements';
import { isDatabaseUnavailable } from '../../db/unavailable';
import { ImportService, importerOptionsOf } from '../../import/import-service';
import { ApiKeyStore, keyFromHeaders, roleAllows, type Principal } from './auth';
import { createContext, type RequestContext } from '../graphql/context';
import { admission } from './admission';
import { DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, databaseUnavailablePlugin, formatErrorFor } from '../graphql/errors';
import { graphiqlRouter } from './graphiql';
import { importsRouter } from './imports-route';
import { exportsRouter } from './exports-route';
import { documentLimitChecker, queryLimitsPlugin } from '../graphql/query-limits';
import { roleGatePlugin } from '../graphql/role-gate';
import { sendError, sendRetryLater } from './http-errors';
import { rateLimit } from './rate-limit';
import { AccessLogWriter, accessEntryOf, accessLog } from './access-log';
import { accessLogRouter } from './access-log-route';
import { listenForKeyChanges } from './key-changes';
import { requestLogPlugin } from './request-log';
import { buildMailtrailSchema, listShapedFields } from '../graphql/schema';
import { REST_BASE, restRouters } from '../rest/router';
import { REST_ROUTES } from '../rest/routes';

export interface RunningServer {
  url: string;
  httpServer: http.Server;
  apiKeys: ApiKeyStore;
  /** The REST mirror's routers (mounted at /api/v1), for the test that matches them to the OpenAPI document. */
  restRouters: ReturnType<typeof restRouters>;
  stop(): Promise<void>;
}

type AuthedRequest = Request & { principal?: Principal };

/** A GraphQL request body must arrive within this (uploads go to /imports, which has an idle timeout instead). */
export const BODY_DEADLINE_MS = 60_000;

/** Seconds a client is asked to wait when the database is unreachable (a restart takes a few). */
const DATABASE_RETRY_AFTER_S = 5;

/** Drops a GraphQL request whose body has not arrived in time (a slow-loris client holds no socket forever). */
function bodyDeadline(req: Request, _res: Response, next: NextFunction): void {
  const timer = setTimeout(() => {
    if (!req.complete) req.destroy();
  }, BODY_DEADLINE_MS);
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  next();
}

/**
 * Why a parsed GraphQL body is refused, or null. The document itself is always small; only the inline import
 * mutation may bring a large body (its content variable).
 */
function oversizedDocument(body: unknown, contentLength: number, maxQueryBytes: number): string | null {
  const query = (body as { query?: unknown } | undefined)?.query;
  if (typeof query !== 'string') return null;
  const size = Buffer.byteLength(query);
  if (size > maxQueryBytes) return `The query document is ${size} bytes; the limit is ${maxQueryBytes} (MAX_QUERY_BYTES). Send fewer aliases or split the request.`;
  if (contentLength > maxQueryBytes && !/\bimportAuditLog\b/.test(query)) {
    return `Request body of ${contentLength} bytes: only the importAuditLog mutation may send more than ${maxQueryBytes} bytes (MAX_QUERY_BYTES).`;
  }
  return null;
}

/**
 * A handler in an app of its own that sends no ETag: Express otherwise hashes every answer it sends (SHA-1 of the
 * body: ~0.1 ms for contract 01's 101 KB, ~1 ms for the office NAT's 1 MB) for a revalidation no GraphQL client does.
 */
function withoutEtag(handler: express.RequestHandler): express.Express {
  const sub = express();
  sub.set('etag', false);
  sub.disable('x-powered-by');
  sub.use(handler);
  return sub;
}

export async function startServer(deps: { config: Config; dataSource: DataSource; logger: Logger }): Promise<RunningServer> {
  const { config, dataSource, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const apiKeys = new ApiKeyStore(dataSource);
  const importer = new ImportService(dataSource, logger, { ...importerOptionsOf(config), statementTimeoutMs: config.importStatementTimeoutMs });
  const pool = poolOf(dataSource);
  trackRequestQueries(pool);
  if (config.databasePrepare) prepareMarkedStatements(pool);
  const control = new ControlPool((dataSource.options as { url: string }).url, logger);
  const schema = await buildMailtrailSchema();
  const documentLimitsRefusal = documentLimitChecker(schema, {
    maxAliases: config.maxQueryAliases,
    maxDirectives: config.maxQueryDirectives,
    maxTokens: config.maxQueryTokens,
  });

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // Tokens graphql-js may lex in one document: parse work stays bounded whatever is sent (a 400 beyond it).
    parseOptions: { maxTokens: config.maxQueryTokens },
    formatError: formatErrorFor(logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of POSTed evidence queries; on by default it wraps every resolver (~4 ms CPU on contract 01).
      ApolloServerPluginCacheControlDisabled(),
      requestLogPlugin(logger, { variables: config.accessLogVariables }),
      roleGatePlugin(schema),
      databaseUnavailablePlugin(DATABASE_RETRY_AFTER_S),
      queryLimitsPlugin({ maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost }, listShapedFields(schema)),
    ],
  });
  await apollo.start();

  const requireKey = async (req: AuthedRequest, res: Response, next: NextFunction) => {
    try {
      const key = keyFromHeaders(req.headers);
      if (!key) {
        return sendError(
          res,
          401,
          'UNAUTHENTICATED',
          req.headers.authorization
            ? 'The Authorization header must be "Bearer <key>". The first key is in .mailtrail/api-key (see the README).'
            : 'Missing API key: send "Authorization: Bearer <key>". The first key is in .mailtrail/api-key (see the README).',
        );
      }
      const principal = await apiKeys.authenticate(key);
      if (!principal) return sendError(res, 401, 'UNAUTHENTICATED', 'Unknown or revoked API key.');
      req.principal = principal;
      next();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) return next(error);
      sendRetryLater(res, 503, DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, DATABASE_RETRY_AFTER_S);
    }
  };

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (await control.ready()) res.json({ status: 'ready', database: 'reachable' });
    else res.status(503).json({ status: 'unavailable', database: 'unreachable' });
  });
  app.use(graphiqlRouter());

  const importBodyLimit = Math.ceil(config.maxInlineImportBytes * 1.1) + 1024 * 1024;
  const readerJson = express.json({ limit: config.maxQueryBytes });
  const importerJson = express.json({ limit: importBodyLimit });
  const perKeyRate = rateLimit({ perMinute: config.rateLimitPerMinute, burst: config.rateLimitBurst });
  const accessLogWriter = new AccessLogWriter(pool, logger, config.accessLogFlushMs);
  const logAccess = accessLog(accessLogWriter);
  // One admission queue for everything that executes queries (/graphql and the REST mirror).
  const admit = admission({ maxRunning: config.maxRunningQueries, maxWaiting: config.maxWaitingQueries });
  const inRequestScope = (_req: Request, res: Response, next: NextFunction) => {
    // The request's SQL is cancelled when its client goes away before the answer.
    const scope = new RequestScope();
    res.on('close', () => {
      if (res.writableFinished) return;
      scope.abandoned = true;
      void control.cancel([...scope.running]);
    });
    runInScope(scope, next);
  };
  app.use(
    '/graphql',
    requireKey,
    logAccess,
    perKeyRate,
    bodyDeadline,
    // Only importer and admin keys may send an inline import; everyone else gets a body fit for a query.
    (req: AuthedRequest, res, next) => (roleAllows(req.principal!.role, 'importer') ? importerJson : readerJson)(req, res, next),
    (req, res, next) => {
      const refusal = oversizedDocument(req.body, Number(req.headers['content-length'] ?? 0), config.maxQueryBytes);
      if (refusal) sendError(res, 413, 'PAYLOAD_TOO_LARGE', refusal);
      else next();
    },
    (req, res, next) => {
      const query = (req.body as { query?: unknown } | undefined)?.query ?? req.query.query;
      const refusal = typeof query === 'string' ? documentLimitsRefusal(query) : null;
      if (refusal) sendError(res, 400, 'GRAPHQL_VALIDATION_FAILED', refusal);
      else next();
    },
    admit,
    inRequestScope,
    withoutEtag(
      expressMiddleware(apollo, {
        context: async ({ req, res }) => ({
          ...createContext({
            principal: (req as AuthedRequest).principal!,
            dataSource,
            logger,
            importer,
            maxInlineImportBytes: config.maxInlineImportBytes,
          }),
          accessLog: accessEntryOf(res),
        }),
      }),
    ),
  );
  app.use(
    '/imports',
    requireKey,
    logAccess,
    perKeyRate,
    (req: AuthedRequest, res, next) =>
      roleAllows(req.principal!.role, 'importer')
        ? next()
        : sendError(res, 403, 'FORBIDDEN', 'This API key is read-only: importing needs an importer or admin key.'),
    importsRouter({ importer, maxUploadBytes: config.maxUploadBytes, idleTimeoutMs: config.uploadIdleTimeoutMs, logger }),
  );

  const rest = restRouters({
    schema,
    routes: REST_ROUTES,
    dataSource,
    logger,
    importer,
    maxInlineImportBytes: config.maxInlineImportBytes,
    accessLogVariables: config.accessLogVariables,
    retryAfterSeconds: DATABASE_RETRY_AFTER_S,
  });
  app.use(REST_BASE, rest.document);
  app.use(
    REST_BASE,
    requireKey,
    logAccess,
    perKeyRate,
    (req, res, next) => {
      // Read-only GETs: a body is refused before anything runs.
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > 0 || req.headers['transfer-encoding']) sendError(res, 413, 'PAYLOAD_TOO_LARGE', 'The REST mirror takes no request body: pass flat query parameters.');
      else next();
    },
    admit,
    inRequestScope,
    rest.api,
  );

  app.use('/exports', requireKey, logAccess, perKeyRate, exportsRouter({ pool, dataSource, logger }));
  app.use(
    '/access-log',
    requireKey,
    logAccess,
    perKeyRate,
    (req: AuthedRequest, res, next) =>
      roleAllows(req.principal!.role, 'admin') ? next() : sendError(res, 403, 'FORBIDDEN', 'The access log is for admin keys only.'),
    accessLogRouter(dataSource),
  );

  // Last resort: never leak a stack or SQL; say what to fix when the request itself was wrong.
  app.use((error: unknown, req: AuthedRequest, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status;
    if (status === 413 && req.principal && !roleAllows(req.principal.role, 'importer')) {
      return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Request body too large: requests from a read-only key are limited to ${config.maxQueryBytes} bytes (MAX_QUERY_BYTES).`);
    }
    if (status === 413) {
      return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Request body too large: inline imports are limited to ${config.maxInlineImportBytes} bytes; upload big files with POST /imports or the CLI.`);
    }
    if (status && status >= 400 && status < 500) return sendError(res, status, 'BAD_REQUEST', 'Malformed request body: send JSON.');
    if (isDatabaseUnavailable(error)) {
      logger.warn({ err: error }, 'database unavailable while handling a request');
      return sendRetryLater(res, 503, DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, DATABASE_RETRY_AFTER_S);
    }
    logger.error({ err: error }, 'unhandled error in HTTP handler');
    sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal error; the server log has the details.');
  });

  // Node's 300 s default would cut long uploads; /imports has an idle timeout and /graphql a body deadline instead.
  httpServer.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  // Only once listening: a server that failed to start leaves no connection behind to hold the process.
  const keyChanges = listenForKeyChanges((dataSource.options as { url: string }).url, apiKeys, logger);
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return {
    url,
    httpServer,
    apiKeys,
    restRouters: rest,
    async stop() {
      await apollo.stop();
      await accessLogWriter.stop();
      await control.close();
      await keyChanges.close();
    },
  };
}
