import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { clipValue } from './errors';

/**
 * DateTime: output ISO-8601 UTC with `Z`; input any ISO-8601 (a time without a zone is taken as UTC, like the
 * audit log itself) or epoch milliseconds as a number (what Grafana passes for its time range).
 */
export function parseDateTime(value: unknown): Date {
  if (typeof value === 'number' && Number.isFinite(value)) return inRange(new Date(value), value);
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d{10,}$/.test(text)) return inRange(new Date(Number(text)), value);
    const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
    if (iso) {
      const withZone = iso[4] ? text : iso[1] ? `${text}Z` : `${text}T00:00:00Z`;
      const date = new Date(withZone);
      if (!Number.isNaN(date.getTime())) return date;
    }
  }
  throw new GraphQLError(
    `Invalid DateTime ${clipValue(value)}: use ISO-8601 such as "2025-03-01T12:00:00Z" or epoch milliseconds.`,
    { extensions: { code: 'BAD_USER_INPUT' } },
  );
}

/** Epoch milliseconds past what a Date holds (±8.64e15, about year 275760) are a user error, not a crash later. */
function inRange(date: Date, value: unknown): Date {
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError(`Invalid DateTime ${clipValue(value)}: epoch milliseconds must be within ±8.64e15 (years -271821 to 275760).`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

/** Date.toISOString() of a year 0-9999: what DateTime prints. */
const ISO_OUTPUT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 instant, always UTC with Z on output. Input: ISO-8601 (no zone = UTC) or epoch milliseconds.',
  // A string already in the output form (rows.ts isoTimeOf) goes out as it is.
  serialize: (value) => (typeof value === 'string' && ISO_OUTPUT.test(value) ? value : (value instanceof Date ? value : new Date(value as string)).toISOString()),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING) return parseDateTime(ast.value);
    if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDateTime(Number(ast.value));
    throw new GraphQLError('DateTime must be a string or a number of epoch milliseconds.', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});

export { GraphQLJSON as JSONScalar } from 'graphql-scalars';
