/**
 * One structured log line per GraphQL request: who (API key id and name), which operation, how long, and whether
 * it failed. The groundwork for the audit of who queried what; variables are not logged (they can hold evidence).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../logger';
import type { RequestContext } from '../graphql/context';

export function requestLogPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, operation, errors }) {
          logger.info(
            {
              keyId: contextValue.principal.keyId,
              keyName: contextValue.principal.name,
              operation: operationName ?? null,
              type: operation?.operation ?? null,
              ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
              errors: errors?.map((e) => e.extensions?.code ?? 'ERROR') ?? [],
            },
            'graphql request',
          );
        },
      };
    },
  };
}
