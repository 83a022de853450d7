/**
 * One structured log line per GraphQL request: who (API key id and name), which operation, how long, and whether
 * it failed; variables are not logged (they can hold evidence). It also fills in the request's access-log entry
 * (operation, variables as configured, rows returned), which access-log.ts writes to the database.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../logger';
import type { RequestContext } from '../graphql/context';
import { Kind, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import { countRows, recordVariables, rowShapeOf, type VariablesMode } from './access-log';

function fragmentsOf(document: DocumentNode | undefined): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of document?.definitions ?? []) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  return fragments;
}

export function requestLogPlugin(logger: Logger, opts: { variables: VariablesMode } = { variables: 'hashed' }): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, operation, document, errors, request, response }) {
          const entry = contextValue.accessLog;
          if (entry) {
            const rootFields = operation?.selectionSet.selections.flatMap((s) => (s.kind === 'Field' ? [s.name.value] : [])) ?? [];
            entry.operation = operationName ?? (rootFields.join(',') || null);
            entry.variables = recordVariables(request.variables, opts.variables);
            if (response.body.kind === 'single') {
              const { data } = response.body.singleResult;
              // Counted when the access-log row is written, after the answer.
              entry.countRows = () => countRows(data, operation && rowShapeOf(operation.selectionSet, fragmentsOf(document)));
            }
          }
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
