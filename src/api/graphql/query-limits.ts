/**
 * Caps how much one request can ask for, before anything runs: selection depth, and an estimated number of rows
 * (each object field is a row; lists multiply their children: `first` for connections, a nominal fan-out for plain
 * lists). Introspection
 * is exempt so SOAR connectors and GraphiQL can load the schema.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from './pagination';

/** Plain lists (a session's IPs, a mailbox's folders) are small by nature; count them as this many rows. */
const PLAIN_LIST_FANOUT = 10;

interface Limits {
  maxDepth: number;
  maxCost: number;
}

function argNumber(value: ValueNode | undefined, variables: Record<string, unknown>): number | null {
  if (!value) return null;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : null;
  }
  return null;
}

export function measureOperation(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  shapes: { plainLists: Set<string>; connections: Set<string> },
): { depth: number; cost: number } {
  let maxDepth = 0;
  let cost = 0;
  const walk = (set: SelectionSetNode, depth: number, multiplier: number, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        if (seen.has(name) || !fragments[name]) continue;
        walk(fragments[name].selectionSet, depth, multiplier, new Set([...seen, name]));
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, multiplier, seen);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      maxDepth = Math.max(maxDepth, depth + 1);
      const first = argNumber(selection.arguments?.find((a) => a.name.value === 'first')?.value, variables);
      let fanout = 1;
      if (first !== null) fanout = Math.max(first, 1);
      else if (shapes.connections.has(name) || selection.arguments?.some((a) => a.name.value === 'first')) fanout = DEFAULT_PAGE_SIZE;
      else if (name !== 'edges' && shapes.plainLists.has(name)) fanout = PLAIN_LIST_FANOUT;
      const here = multiplier * fanout;
      // Rows, not fields: scalar leaves ride on their row, and connection plumbing (edges, node, pageInfo) is the
      // connection's rows again. Counting every field made contract 01 (100 sessions x 500 accesses) cost 600k.
      if (selection.selectionSet && name !== 'edges' && name !== 'node' && name !== 'pageInfo') cost += here;
      if (selection.selectionSet) walk(selection.selectionSet, depth + 1, name === 'edges' ? multiplier : here, seen);
    }
  };
  walk(operation.selectionSet, 0, 1, new Set());
  return { depth: maxDepth, cost };
}

export function queryLimitsPlugin(limits: Limits, shapes: { plainLists: Set<string>; connections: Set<string> }): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
          const { depth, cost } = measureOperation(operation, fragments, request.variables ?? {}, shapes);
          if (depth > limits.maxDepth) {
            throw new GraphQLError(`Query is ${depth} levels deep; the limit is ${limits.maxDepth}. Split it into several queries.`, {
              extensions: { code: 'QUERY_TOO_COMPLEX', depth, maxDepth: limits.maxDepth },
            });
          }
          if (cost > limits.maxCost) {
            throw new GraphQLError(
              `Query could return about ${cost} rows; the limit is ${limits.maxCost}. Ask for smaller pages (first) or fewer nested lists, and page with after.`,
              { extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost: limits.maxCost } },
            );
          }
        },
      };
    },
  };
}
