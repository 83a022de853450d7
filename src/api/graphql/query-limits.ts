/**
 * Caps how much one request can ask for, before anything runs: selection depth, and an estimated number of rows
 * (each object field is a row; lists multiply their children: `first` for connections, a nominal fan-out for plain
 * lists). Work that reads more rows than it returns is priced by what it may scan: each `totalCount` as
 * COUNT_SCAN_ROWS per connection, a pivot by the sessions its hops may reach. Introspection is exempt so SOAR
 * connectors and GraphiQL can load the schema. Every refusal here is a request error (HTTP 400). Also refuses a NUL character in any argument or variable: no stored
 * value holds one (PostgreSQL text cannot), and it must be the client's error, not an internal one.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  parse,
  validate,
  visit,
  type GraphQLSchema,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { DEFAULT_PAGE_SIZE } from './pagination';
import { DEFAULT_SESSIONS_PER_HOP, MAX_HOPS, MAX_SESSIONS_PER_HOP } from './resolvers/pivot.resolver';

/** Refused before execution: the request itself is wrong, so HTTP 400 (Apollo strips `http` from the answer). */
const REQUEST_ERROR = { status: 400 };

/** Plain lists (a session's IPs, a mailbox's folders) are small by nature; count them as this many rows. */
const PLAIN_LIST_FANOUT = 10;
/** Rows a `totalCount` may walk: 3,000 aliased counts once held every pool connection for minutes. */
export const COUNT_SCAN_ROWS = 1_000;
const DEFAULT_PIVOT_HOPS = 3;

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
  const arg = (selection: FieldNode, name: string) => argNumber(selection.arguments?.find((a) => a.name.value === name)?.value, variables);
  // `listFanout`: rows a plain list right below the parent may hold (a pivot's lists hold what its hops reach).
  let pivotShape: { hops: number; perHop: number } | null = null;
  const walk = (set: SelectionSetNode, depth: number, multiplier: number, seen: Set<string>, listFanout: number) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        if (seen.has(name) || !fragments[name]) continue;
        walk(fragments[name].selectionSet, depth, multiplier, new Set([...seen, name]), listFanout);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, multiplier, seen, listFanout);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      maxDepth = Math.max(maxDepth, depth + 1);
      // One count per connection instance (`multiplier` of them), whatever its page size.
      if (selection.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'totalCount')) cost += multiplier * COUNT_SCAN_ROWS;
      const first = arg(selection, 'first');
      let fanout = 1;
      let childListFanout = PLAIN_LIST_FANOUT;
      if (first !== null) fanout = Math.max(first, 1);
      else if (shapes.connections.has(name) || selection.arguments?.some((a) => a.name.value === 'first')) fanout = DEFAULT_PAGE_SIZE;
      else if (name !== 'edges' && shapes.plainLists.has(name)) fanout = listFanout;
      if (name === 'pivot') {
        // Out-of-range values are the resolver's to refuse, with a message that names them.
        const hops = Math.min(Math.max(arg(selection, 'maxHops') ?? DEFAULT_PIVOT_HOPS, 1), MAX_HOPS);
        const perHop = Math.min(Math.max(arg(selection, 'maxSessionsPerHop') ?? DEFAULT_SESSIONS_PER_HOP, 1), MAX_SESSIONS_PER_HOP);
        // Each hop looks up the links of the sessions it reached.
        cost += multiplier * hops * perHop * PLAIN_LIST_FANOUT;
        childListFanout = hops * perHop;
        pivotShape = { hops, perHop };
      } else if (name === 'hops' && pivotShape) {
        fanout = pivotShape.hops + 1;
        childListFanout = pivotShape.perHop;
      }
      const here = multiplier * fanout;
      // Rows, not fields: scalar leaves ride on their row, and connection plumbing (edges, node, pageInfo) is the
      // connection's rows again. Counting every field made contract 01 (100 sessions x 500 accesses) cost 600k.
      if (selection.selectionSet && name !== 'edges' && name !== 'node' && name !== 'pageInfo') cost += here;
      if (selection.selectionSet) walk(selection.selectionSet, depth + 1, name === 'edges' ? multiplier : here, seen, childListFanout);
    }
  };
  walk(operation.selectionSet, 0, 1, new Set(), PLAIN_LIST_FANOUT);
  return { depth: maxDepth, cost };
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value && typeof value === 'object') return Object.values(value).some(holdsNul);
  return false;
}

function refuseNul(document: DocumentNode, variables: Record<string, unknown>): void {
  const where = Object.keys(variables).find((name) => holdsNul(variables[name]));
  let literal = false;
  visit(document, {
    StringValue(node) {
      if (node.value.includes('\u0000')) literal = true;
    },
  });
  if (where || literal) {
    throw new GraphQLError(
      `${where ? `Variable $${where}` : 'A string argument'} contains a NUL character (\\u0000), which no stored value holds: remove it.`,
      { extensions: { code: 'BAD_USER_INPUT', http: REQUEST_ERROR } },
    );
  }
}

/**
 * OWASP's alias and directive caps (graphql-armor's validation rules): 2,000 aliases of one cheap field once ran
 * for 21 s. Checked on their own before Apollo's validation, whose overlapping-fields rule is quadratic in the
 * aliases of one selection (300 aliases took 300 ms to validate before being refused), and before Apollo because
 * its plugins cannot refuse a document with a status of their own at that stage.
 * Returns why `query` is refused, or null (also for a document that does not parse: Apollo says why).
 */
/** Verdicts of documentLimitChecker kept, and the longest query text kept (16 MB at most). */
const CHECKED_QUERIES = 512;
const CHECKED_QUERY_CHARS = 32 * 1024;

export function documentLimitChecker(schema: GraphQLSchema, limits: { maxAliases: number; maxDirectives: number; maxTokens: number }) {
  const report = [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)];
  const rules: ValidationRule[] = [
    maxAliasesRule({ n: limits.maxAliases, onReject: report, propagateOnRejection: false }),
    maxDirectivesRule({ n: limits.maxDirectives, onReject: report, propagateOnRejection: false }),
  ];
  const check = (query: string): string | null => {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens });
    } catch {
      return null;
    }
    const [refusal] = validate(schema, document, rules);
    return refusal ? `${refusal.message.replace(/^Syntax Error: /, '')} (MAX_QUERY_ALIASES, MAX_QUERY_DIRECTIVES)` : null;
  };
  // The verdict depends on the text alone: the queries a playbook sends again and again are parsed once, not per
  // request. Bounded: the most recently used CHECKED_QUERIES texts of at most CHECKED_QUERY_CHARS each.
  const verdicts = new Map<string, string | null>();
  return (query: string): string | null => {
    if (query.length > CHECKED_QUERY_CHARS) return check(query);
    let verdict = verdicts.get(query);
    if (verdict === undefined) {
      verdict = check(query);
      if (verdicts.size >= CHECKED_QUERIES) verdicts.delete(verdicts.keys().next().value!);
    } else {
      verdicts.delete(query);
    }
    verdicts.set(query, verdict);
    return verdict;
  };
}

export function queryLimitsPlugin(limits: Limits, shapes: { plainLists: Set<string>; connections: Set<string> }): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) return;
          refuseNul(document, request.variables ?? {});
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
          const { depth, cost } = measureOperation(operation, fragments, request.variables ?? {}, shapes);
          if (depth > limits.maxDepth) {
            throw new GraphQLError(`Query is ${depth} levels deep; the limit is ${limits.maxDepth}. Split it into several queries.`, {
              extensions: { code: 'QUERY_TOO_COMPLEX', depth, maxDepth: limits.maxDepth, http: REQUEST_ERROR },
            });
          }
          if (cost > limits.maxCost) {
            throw new GraphQLError(
              `Query could return about ${cost} rows; the limit is ${limits.maxCost}. Ask for smaller pages (first) or fewer nested lists, and page with after.`,
              { extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost: limits.maxCost, http: REQUEST_ERROR } },
            );
          }
        },
      };
    },
  };
}
