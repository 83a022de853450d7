/**
 * A route definition made ready to run: its GraphQL document (parsed and validated against the schema once, at
 * start: a route that does not fit the schema stops the server from starting, not a client's request) and the
 * role its root fields need (the `@Extensions({ role })` the GraphQL role gate reads).
 */
import { Kind, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { ApiKeyRole } from '../../model/api-key.entity';
import { ROLE_EXTENSION } from '../graphql/role-gate';
import { roleAllows } from '../http/auth';
import { selectionOf, type RestRoute } from './definition';

export interface CompiledRoute {
  route: RestRoute;
  document: DocumentNode;
  /** Asked when the main document failed without data, to tell "no such thing" (404) from a bad request. */
  probe: DocumentNode | null;
  role: ApiKeyRole;
}

/** `query Name($a: T, ...) { body }` declaring only the variables the body uses. */
function queryText(route: RestRoute, name: string, body: string): string {
  const declared = route.params.map((p) => [p.name, p.graphqlType]);
  if (route.shape === 'page') declared.push(['first', 'Int'], ['after', 'String']);
  const used = declared.filter(([n]) => new RegExp(`\\$${n}\\b`).test(body)).map(([n, type]) => `$${n}: ${type}`);
  return `query ${name}${used.length ? `(${used.join(', ')})` : ''} { ${body} }`;
}

export function documentTextOf(route: RestRoute): string {
  const rowSelection = route.rows?.select ?? selectionOf(route.columns);
  const rows = route.shape === 'page' ? `edges { node { ${rowSelection} } } pageInfo { hasNextPage endCursor }` : rowSelection;
  const body = route.graphql
    .replace('PAGE', 'first: $first, after: $after')
    .replace('META', route.meta ? selectionOf(route.meta.columns) : '')
    .replace('ROWS', rows);
  return queryText(route, `Rest_${route.operationId}`, body);
}

function checked(schema: GraphQLSchema, text: string, operationId: string): DocumentNode {
  const document = parse(text);
  const errors = validate(schema, document);
  if (errors.length) throw new Error(`REST route ${operationId} does not fit the GraphQL schema: ${errors.map((e) => e.message).join('; ')}`);
  return document;
}

/** The highest role any root field of the document needs (reader when none is marked). */
function roleOf(schema: GraphQLSchema, document: DocumentNode): ApiKeyRole {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fields = schema.getQueryType()!.getFields();
  let role: ApiKeyRole = 'reader';
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const needed = fields[selection.name.value]?.extensions?.[ROLE_EXTENSION] as ApiKeyRole | undefined;
    if (needed && !roleAllows(role, needed)) role = needed;
  }
  return role;
}

export function compileRoutes(schema: GraphQLSchema, routes: RestRoute[]): CompiledRoute[] {
  return routes.map((route) => {
    const document = checked(schema, documentTextOf(route), route.operationId);
    const probe = route.notFound?.probe ? checked(schema, queryText(route, `Rest_${route.operationId}_exists`, route.notFound.probe), route.operationId) : null;
    return { route, document, probe, role: roleOf(schema, document) };
  });
}
