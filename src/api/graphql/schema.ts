import 'reflect-metadata';
import { getNullableType, GraphQLList, isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { RESOLVERS } from './resolvers';
import { DateTimeScalar } from './scalars';

export async function buildMailtrailSchema(): Promise<GraphQLSchema> {
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
