import 'reflect-metadata';
import { getNullableType, GraphQLList, isObjectType, lexicographicSortSchema, printSchema, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
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

type Method = (...params: unknown[]) => unknown;

/**
 * A @FieldResolver whose parameters are only @Root(), @Ctx() and @Info() is called directly when its root is
 * already an instance of the root's class, as type-graphql would after its checks (no middlewares, no roles, no
 * arguments to convert or validate; its default container holds one instance per resolver class, and ours keep no
 * state). Per call, type-graphql's wrapper sorts the parameters, maps them and makes closures: 1.4 KB each, and
 * contract 01 calls MessageAccess.folder 500 times. Any other root (a plain object, null) goes through the wrapper.
 */
function callFieldResolversDirectly(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const instances = new Map<Function, Record<string, Method>>();
  for (const resolver of storage.fieldResolvers) {
    if (resolver.kind !== 'external' || resolver.middlewares?.length || resolver.roles?.length || !resolver.params) continue;
    const params = [...resolver.params].sort((a, b) => a.index - b.index);
    if (params.some((p, i) => p.index !== i || !(p.kind === 'info' || ((p.kind === 'root' || p.kind === 'context') && !p.propertyName)))) continue;
    const rootParam = params.find((p) => p.kind === 'root') as { getType?: () => unknown } | undefined;
    const rootClass = rootParam?.getType?.();
    if (rootParam && typeof rootClass !== 'function') continue;
    const objectType = storage.objectTypes.find((t) => t.target === resolver.getObjectType?.());
    const type = objectType && schema.getType(objectType.name);
    const field = type && isObjectType(type) ? type.getFields()[resolver.schemaName] : undefined;
    const wrapped = field?.resolve;
    if (!field || !wrapped) continue;
    const target = resolver.target as new () => Record<string, Method>;
    if (!instances.has(target)) instances.set(target, new target());
    const instance = instances.get(target)!;
    const method = instance[resolver.methodName];
    if (typeof method !== 'function') continue;
    const kinds = params.map((p) => p.kind).join(',');
    const direct: GraphQLFieldResolver<unknown, unknown> | null =
      kinds === 'root,context'
        ? (root, args, context, info) => (root instanceof (rootClass as Function) ? method.call(instance, root, context) : wrapped(root, args, context, info))
        : kinds === 'root,context,info'
          ? (root, args, context, info) =>
              root instanceof (rootClass as Function) ? method.call(instance, root, context, info) : wrapped(root, args, context, info)
          : null;
    if (direct) field.resolve = direct;
  }
}

export async function buildMailtrailSchema(): Promise<GraphQLSchema> {
  useDefaultResolverForPlainFields();
  shareArgumentsOfFieldsWithoutAny();
  const schema = await buildSchema({
    resolvers: RESOLVERS as never,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    emitSchemaFile: false,
  });
  callFieldResolversDirectly(schema);
  return schema;
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
