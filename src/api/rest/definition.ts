/**
 * What one REST route is, declaratively: its path and flat parameters, the GraphQL selection it runs on the same
 * schema (so the same resolvers, services and per-request DataLoaders answer it: no second implementation), and
 * the shape of its rows. Both the express routes (router.ts) and the OpenAPI document (openapi.ts) are made from
 * these definitions and nothing else.
 */

export type ParamType = 'string' | 'integer' | 'boolean' | 'date-time' | 'ip' | 'enum';

export interface Param {
  name: string;
  in: 'path' | 'query';
  type: ParamType;
  description: string;
  required?: boolean;
  /** Several values: repeat the parameter or separate values with commas. */
  list?: boolean;
  enum?: readonly string[];
  /** Sent when the client gives none. */
  default?: string | number | boolean;
  minimum?: number;
  maximum?: number;
  /** The GraphQL variable type the value is passed as, e.g. `String!`, `[String!]`, `DateTime`. */
  graphqlType: string;
}

export type ColumnType = 'string' | 'integer' | 'boolean' | 'date-time' | 'string[]' | 'object' | 'object[]';

export interface Column {
  name: string;
  type: ColumnType;
  description: string;
  /** Dotted path in the GraphQL node (default: the name); through a list it collects one value per item. */
  path?: string;
  nullable?: boolean;
  /** For object columns: the GraphQL sub-selection and the JSON Schema of the value. */
  select?: string;
  schema?: Record<string, unknown>;
}

/**
 * page: a GraphQL connection, answered as `{ value, nextLink }`; list: a bounded list (no paging);
 * object: one thing. `at` is the dotted path of the connection / list / object in the GraphQL data.
 */
export type Shape = 'page' | 'list' | 'object';

export interface RestRoute {
  operationId: string;
  /** OpenAPI form, relative to /api/v1: `/ips/{ip}/sessions`. */
  path: string;
  summary: string;
  description: string;
  params: Param[];
  /**
   * The GraphQL query body with the route's parameters as variables ($name). `ROWS` stands for the row
   * selection (made from the columns), `PAGE` for `first: $first, after: $after` on a connection.
   */
  graphql: string;
  shape: Shape;
  at: string;
  columns: Column[];
  /** Rows from the value at `at` when they are not its items one to one (pivot hops, activity series). */
  rows?: { select: string; of: (value: any) => Record<string, unknown>[] };
  /** Fields answered beside `value` in JSON (totals, coverage, warnings), from the object holding the connection. */
  meta?: { at: string; columns: Column[] };
  /**
   * When the value at `notFound.at` is null: 404 with this message. `probe` (a root field with a selection) is
   * asked instead when the main document fails as a whole (a root field that errors for an unknown thing).
   */
  notFound?: { at: string; message: (params: Record<string, unknown>) => string; probe?: string };
  /** Checks across parameters (each one alone is checked from its declaration); throws a ParamError. */
  check?: (params: Record<string, unknown>) => void;
}

/** A parameter the client got wrong: 400 naming it. */
export class ParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

/** The GraphQL sub-selection for a set of dotted paths (and raw object selections). */
export function selectionOf(columns: Column[]): string {
  type Tree = Map<string, Tree | string>;
  const tree: Tree = new Map();
  for (const column of columns) {
    if (column.select) {
      tree.set(column.select, column.select);
      continue;
    }
    const parts = (column.path ?? column.name).split('.');
    let node = tree;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        if (!node.has(part)) node.set(part, part);
        return;
      }
      let child = node.get(part);
      if (!(child instanceof Map)) node.set(part, (child = new Map()));
      node = child;
    });
  }
  const print = (t: Tree): string =>
    [...t.entries()].map(([name, v]) => (v instanceof Map ? `${name} { ${print(v)} }` : v)).join(' ');
  return print(tree);
}

/** A column's value in a GraphQL node: follows the dotted path, collecting through lists. */
export function valueAt(node: unknown, path: string): unknown {
  let value: unknown = node;
  for (const part of path.split('.')) {
    if (value === null || value === undefined) return null;
    value = Array.isArray(value) ? value.map((item) => (item as Record<string, unknown>)?.[part] ?? null) : (value as Record<string, unknown>)[part];
  }
  return value ?? null;
}

/** A node as the flat row the REST mirror answers: one field per column. */
export function rowOf(node: unknown, columns: Column[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of columns) row[c.name] = c.select ? ((node as Record<string, unknown>)[c.path ?? c.name] ?? null) : valueAt(node, c.path ?? c.name);
  return row;
}
