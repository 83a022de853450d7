/**
 * Permission is checked before execution: a root field marked `@Extensions({ role })` needs a key of at least
 * that role, and a request asking for one it may not use is refused whole with 403 FORBIDDEN (nothing runs).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type FragmentDefinitionNode, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import type { ApiKeyRole } from '../../model/api-key.entity';
import { roleAllows } from '../http/auth';
import type { RequestContext } from './context';

/** The `@Extensions` key that names the role a root field needs. */
export const ROLE_EXTENSION = 'role';

const MESSAGES: Record<ApiKeyRole, string> = {
  reader: 'This API key may not do that.',
  importer: 'This API key is read-only: importing needs an importer or admin key.',
  admin: 'This needs an admin API key.',
};

function rootFieldNames(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFieldNames(selection.selectionSet, fragments, seen);
    const fragment = fragments[selection.name.value];
    if (!fragment || seen.has(fragment.name.value)) return [];
    return rootFieldNames(fragment.selectionSet, fragments, new Set([...seen, fragment.name.value]));
  });
}

export function roleGatePlugin(schema: GraphQLSchema): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ operation, document }) {
          const root = operation && schema.getRootType(operation.operation);
          if (!operation || !root) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
          for (const name of rootFieldNames(operation.selectionSet, fragments)) {
            const needed = root.getFields()[name]?.extensions?.[ROLE_EXTENSION] as ApiKeyRole | undefined;
            if (needed && !roleAllows(contextValue.principal.role, needed)) {
              throw new GraphQLError(MESSAGES[needed], { extensions: { code: 'FORBIDDEN', field: name, http: { status: 403 } } });
            }
          }
        },
      };
    },
  };
}
