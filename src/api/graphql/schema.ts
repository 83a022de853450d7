import 'reflect-metadata';
import { getNullableType, GraphQLList, isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, getMetadataStorage } from 'type-graphql';
import { shareArgumentsOfFieldsWithoutAny } from './no-argument-fields';
import { RESOLVERS } from './resolvers';
import { DateTimeScalar } from './scalars';

/**
 * Fields that only read a property of the same name get graphql-js's default resolver instead of type-graphql's
 * wrapper (an object and a closure per field per row, for middlewares and auth checks we do not use): contract 01
 * resolves ~3,500 of them. A field whose GraphQL name differs from its property (folderId, organizationId), or
 * with a middleware or roles, keeps the wrapper; field resolvers (@FieldResolver) are unaffected.
 */
function useDefaultResolverForPlainFields(): void {
  for (const field of getMetadataStorage().fields) {
    if (field.simple !== undefined || field.name !== field.schemaName || field.middlewares?.length || field.roles?.length) continue;
    field.simple = true;
  }
}

export async function buildMailtrailSchema(): Promise<GraphQLSchema> {
  useDefaultResolverForPlainFields();
  shareArgumentsOfFieldsWithoutAny();
  return buildSchema({
    resolvers: RESOLVERS as never,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    emitSchemaFile: false,
  });
}

/** The SDL committed in schema/schema.graphql (sorted, so it diffs cleanly). */
export function printMailtrailSchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}

/** Names of fields that return plain lists, and of fields that return connections, for the query cost estimate. */
export function listShapedFields(schema: GraphQLSchema): { plainLists: Set<string>; connections: Set<string> } {
  const plainLists = new Set<string>();
  const connections = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const fieldType = getNullableType(field.type);
      if (fieldType instanceof GraphQLList) plainLists.add(field.name);
      else if (isObjectType(fieldType) && fieldType.name.endsWith('Connection')) connections.add(field.name);
    }
  }
  return { plainLists, connections };
}
