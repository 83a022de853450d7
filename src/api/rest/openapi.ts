/**
 * The OpenAPI 3.1 document of the REST mirror, made from the same route table as the express routes (a test
 * checks the two agree). Logic Apps custom connectors page with x-ms-pageable; Splunk SOAR's HTTP app and other
 * importers read the operationIds, parameters and the API key security schemes.
 */
import type { Column, ColumnType, Param, RestRoute } from './definition';
import { DEFAULT_TOP, MAX_TOP } from './params';

type Schema = Record<string, unknown>;

const COLUMN_SCHEMA: Record<Exclude<ColumnType, 'object' | 'object[]'>, Schema> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  boolean: { type: 'boolean' },
  'date-time': { type: 'string', format: 'date-time' },
  'string[]': { type: 'array', items: { type: 'string' } },
};

function columnSchema(c: Column): Schema {
  let schema: Schema;
  if (c.type === 'object') schema = { ...(c.schema ?? { type: 'object' }) };
  else if (c.type === 'object[]') schema = { type: 'array', items: c.schema ?? { type: 'object' } };
  else schema = { ...COLUMN_SCHEMA[c.type] };
  if (c.nullable) schema.type = [schema.type as string, 'null'];
  return { ...schema, description: c.description };
}

function objectSchema(columns: Column[]): Schema {
  return {
    type: 'object',
    properties: Object.fromEntries(columns.map((c) => [c.name, columnSchema(c)])),
    required: columns.map((c) => c.name),
  };
}

function paramSchema(p: Param): Schema {
  const base: Schema =
    p.type === 'integer'
      ? { type: 'integer', ...(p.minimum !== undefined && { minimum: p.minimum }), ...(p.maximum !== undefined && { maximum: p.maximum }) }
      : p.type === 'boolean'
        ? { type: 'boolean' }
        : p.type === 'date-time'
          ? { type: 'string', format: 'date-time' }
          : p.type === 'enum'
            ? { type: 'string', enum: [...p.enum!] }
            : { type: 'string' };
  if (p.default !== undefined) base.default = p.default;
  return p.list ? { type: 'array', items: base } : base;
}

function parameterOf(p: Param): Schema {
  return {
    name: p.name,
    in: p.in,
    required: p.in === 'path' ? true : !!p.required,
    description: p.description,
    schema: paramSchema(p),
    ...(p.list && { style: 'form', explode: true }),
  };
}

const PAGE_PARAMETERS = [
  { name: 'top', in: 'query', required: false, description: `Rows per page (default ${DEFAULT_TOP}, at most ${MAX_TOP}).`, schema: { type: 'integer', minimum: 1, maximum: MAX_TOP, default: DEFAULT_TOP } },
  { name: '$skiptoken', in: 'query', required: false, description: 'Opaque: the position nextLink carries. Also accepted as skiptoken.', schema: { type: 'string' } },
];

const FORMAT_PARAMETER = {
  name: 'format',
  in: 'query',
  required: false,
  description: 'csv streams every page as CSV (RFC 4180; cells starting with = + - @ get a leading apostrophe); same as Accept: text/csv.',
  schema: { type: 'string', enum: ['json', 'csv'], default: 'json' },
};

const ERRORS: Record<string, string> = {
  '400': 'A parameter is wrong: extensions.param names it, the message says why.',
  '401': 'Missing, unknown, expired or revoked API key.',
  '403': "The key's role may not do this.",
  '404': 'No such mailbox, session, message, app or IP in the imported records.',
  '413': 'A REST request carries no body.',
  '429': 'Rate limit of the API key: retry after Retry-After seconds.',
  '503': 'Database unavailable or server busy: retry after Retry-After seconds.',
};

function responseOf(code: string, description: string): Schema {
  const retry = code === '429' || code === '503';
  return {
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    ...(retry && { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } }),
  };
}

function operationOf(route: RestRoute): Schema {
  const rowRef = { $ref: `#/components/schemas/${schemaName(route)}` };
  const jsonSchema =
    route.shape === 'object'
      ? rowRef
      : {
          type: 'object',
          properties: {
            ...(route.meta ? (objectSchema(route.meta.columns).properties as Schema) : {}),
            value: { type: 'array', items: rowRef },
            ...(route.shape === 'page' && { nextLink: { type: ['string', 'null'], format: 'uri', description: 'The next page (absolute URL); null on the last page.' } }),
          },
          required: ['value', ...(route.meta ? route.meta.columns.map((c) => c.name) : []), ...(route.shape === 'page' ? ['nextLink'] : [])],
        };
  const csvDescription = `CSV with the columns ${route.columns.map((c) => c.name).join(', ')}${route.shape === 'page' ? ', every page' : ''}.`;
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.description,
    parameters: [...route.params.map(parameterOf), ...(route.shape === 'page' ? PAGE_PARAMETERS : []), FORMAT_PARAMETER],
    responses: {
      '200': {
        description: 'The answer.',
        content: {
          'application/json': { schema: jsonSchema },
          'text/csv': { schema: { type: 'string', description: csvDescription } },
        },
      },
      ...Object.fromEntries(Object.entries(ERRORS).map(([code, text]) => [code, responseOf(code, text)])),
    },
    ...(route.shape === 'page' && { 'x-ms-pageable': { nextLinkName: 'nextLink', itemName: 'value' } }),
  };
}

const schemaName = (route: RestRoute) => `${route.operationId[0].toUpperCase()}${route.operationId.slice(1)}Row`;

export function openApiDocument(routes: RestRoute[], serverUrl = '/api/v1'): Schema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'mailtrail REST mirror',
      version: '1',
      description:
        'Read-only REST mirror of the mailtrail GraphQL API (same services, same answers): flat query parameters, pages as { value, nextLink }, CSV with Accept: text/csv or format=csv.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }, { apiKey: [] }],
    paths: {
      ...Object.fromEntries(routes.map((r) => [r.path, { get: operationOf(r) }])),
      '/openapi.json': {
        get: {
          operationId: 'getOpenApiDocument',
          summary: 'This document',
          description: 'The OpenAPI 3.1 document of the REST mirror (no key needed).',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The API key (same keys as /graphql).' },
      },
      schemas: {
        Error: {
          type: 'object',
          description: 'The one error shape of every non-GraphQL route.',
          properties: {
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  message: { type: 'string' },
                  extensions: {
                    type: 'object',
                    properties: { code: { type: 'string' }, param: { type: 'string', description: 'The parameter at fault (400).' } },
                    required: ['code'],
                  },
                },
                required: ['message', 'extensions'],
              },
            },
          },
          required: ['errors'],
        },
        ...Object.fromEntries(routes.map((r) => [schemaName(r), objectSchema(r.columns)])),
      },
    },
  };
}
