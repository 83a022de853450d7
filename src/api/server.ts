/**
 * The HTTP server: GraphiQL at /, GraphQL at /graphql, streaming uploads at POST /imports, /healthz.
 * Everything but / and /healthz needs an API key.
 */
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { ImportService } from '../import/import-service';
import { ApiKeyStore, keyFromHeaders, roleAllows, type Principal } from './auth';
import { createContext, type RequestContext } from './context';
import { formatErrorFor } from './errors';
import { graphiqlRouter } from './graphiql';
import { importsRouter } from './imports-route';
import { queryLimitsPlugin } from './query-limits';
import { requestLogPlugin } from './request-log';
import { buildMailtrailSchema, listShapedFields } from './schema';

export interface RunningServer {
  url: string;
  httpServer: http.Server;
  apiKeys: ApiKeyStore;
  stop(): Promise<void>;
}

type AuthedRequest = Request & { principal?: Principal };

function unauthenticated(res: Response, message: string): void {
  res.status(401).json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
}

export async function startServer(deps: { config: Config; dataSource: DataSource; logger: Logger }): Promise<RunningServer> {
  const { config, dataSource, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const apiKeys = new ApiKeyStore(dataSource);
  const importer = new ImportService(dataSource, logger, { chunkRecords: config.importChunkRecords });
  const schema = await buildMailtrailSchema();

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatErrorFor(logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of POSTed evidence queries; on by default it wraps every resolver (~4 ms CPU on contract 01).
      ApolloServerPluginCacheControlDisabled(),
      requestLogPlugin(logger),
      queryLimitsPlugin({ maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost }, listShapedFields(schema)),
    ],
  });
  await apollo.start();

  const requireKey = async (req: AuthedRequest, res: Response, next: NextFunction) => {
    try {
      const key = keyFromHeaders(req.headers);
      if (!key) {
        return unauthenticated(
          res,
          req.headers.authorization
            ? 'The Authorization header must be "Bearer <key>". The first key is in .mailtrail/api-key (see the README).'
            : 'Missing API key: send "Authorization: Bearer <key>". The first key is in .mailtrail/api-key (see the README).',
        );
      }
      const principal = await apiKeys.authenticate(key);
      if (!principal) return unauthenticated(res, 'Unknown or revoked API key.');
      req.principal = principal;
      next();
    } catch (error) {
      next(error);
    }
  };

  app.get('/healthz', async (_req, res) => {
    try {
      await dataSource.query('SELECT 1');
      res.json({ status: 'ok', database: 'reachable' });
    } catch (error) {
      logger.warn({ err: error }, 'health check: database unreachable');
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });
  app.use(graphiqlRouter());

  const bodyLimit = Math.ceil(config.maxInlineImportBytes * 1.1) + 1024 * 1024;
  app.use(
    '/graphql',
    requireKey,
    express.json({ limit: bodyLimit }),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        createContext({
          principal: (req as AuthedRequest).principal!,
          dataSource,
          logger,
          importer,
          maxInlineImportBytes: config.maxInlineImportBytes,
        }),
    }),
  );
  app.use(
    '/imports',
    requireKey,
    (req: AuthedRequest, res, next) =>
      roleAllows(req.principal!.role, 'importer')
        ? next()
        : res.status(403).json({ error: 'This API key is read-only: importing needs an importer or admin key.' }),
    importsRouter({ importer, maxUploadBytes: config.maxUploadBytes, logger }),
  );

  // Last resort: never leak a stack or SQL; say what to fix when the request itself was wrong.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status;
    if (status === 413) {
      res.status(413).json({
        errors: [{ message: `Request body too large: inline imports are limited to ${config.maxInlineImportBytes} bytes; upload big files with POST /imports or the CLI.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
      });
      return;
    }
    if (status && status >= 400 && status < 500) {
      res.status(status).json({ errors: [{ message: 'Malformed request body: send JSON.', extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    logger.error({ err: error }, 'unhandled error in HTTP handler');
    res.status(500).json({ errors: [{ message: 'Internal error; the server log has the details.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return {
    url,
    httpServer,
    apiKeys,
    async stop() {
      await apollo.stop();
    },
  };
}
