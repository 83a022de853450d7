/**
 * The one place internal errors become GraphQL errors. Expected failures carry a stable extensions.code and a
 * message that says what to fix; anything else is logged with its stack and reaches the client only as
 * INTERNAL_SERVER_ERROR with a request id, never with SQL or a stack trace.
 */
import crypto from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { RequestAbandonedError } from '../../db/request-scope';
import { isDatabaseUnavailable } from '../../db/unavailable';
import type { Logger } from '../../logger';
import { ForbiddenError, UserInputError } from '../../errors';

/** The GraphQL code of each kind of domain error (services/errors.ts). */
function domainCode(error: unknown): string | null {
  if (error instanceof UserInputError) return 'BAD_USER_INPUT';
  if (error instanceof ForbiddenError) return 'FORBIDDEN';
  return null;
}

const SAFE_CODES = new Set([
  'BAD_USER_INPUT',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'QUERY_TOO_COMPLEX',
  'PAYLOAD_TOO_LARGE',
  'NOT_AN_AUDIT_EXPORT',
  'QUERY_TIMEOUT',
  'DATABASE_UNAVAILABLE',
]);

/** The code of an answer that failed because the database could not be reached. */
export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';
export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable (restarting or unreachable): retry shortly. GET /readyz says when it is back.';

/** PostgreSQL's query_canceled: statement_timeout expired, or the request was abandoned and its SQL cancelled. */
const QUERY_CANCELED = '57014';

/** Longest part of a client's value echoed back in an error message. */
const ECHO_CHARS = 80;
const MAX_MESSAGE_CHARS = 1_000;
const LONG_QUOTED = new RegExp(`"((?:[^"\\\\]|\\\\.){${ECHO_CHARS}})(?:[^"\\\\]|\\\\.)+"`, 'g');

/** A client's value as it may appear in a message: JSON, clipped. */
export function clipValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const clipped = text.length > ECHO_CHARS ? `${text.slice(0, ECHO_CHARS)}... (${text.length} chars)` : text;
  return JSON.stringify(clipped);
}

/**
 * Messages echo values (ours and graphql-js's coercion errors alike): any quoted run longer than ECHO_CHARS is
 * clipped, and the whole message is capped, so a 1 MB bad value is not sent back.
 */
function clipMessage(message: string): string {
  const clipped = message.replace(LONG_QUOTED, '"$1..."');
  return clipped.length > MAX_MESSAGE_CHARS ? `${clipped.slice(0, MAX_MESSAGE_CHARS)}...` : clipped;
}

function isAbandoned(error: unknown): boolean {
  const driverError = (error as { driverError?: unknown } | null)?.driverError;
  return error instanceof RequestAbandonedError || driverError instanceof RequestAbandonedError;
}

export function formatErrorFor(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // A literal our scalar refused (an epoch past year 275760) reaches us as a validation failure: it is bad input.
    const cause = error instanceof GraphQLError ? error.originalError : null;
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const scalarRefused = cause instanceof GraphQLError && cause.extensions.code === 'BAD_USER_INPUT';
    const code = domainCode(original) ?? (scalarRefused ? 'BAD_USER_INPUT' : formatted.extensions?.code);
    if (typeof code === 'string' && SAFE_CODES.has(code)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, message: clipMessage(formatted.message), extensions: { ...extensions, code } };
    }
    if (isAbandoned(original)) {
      // Nobody is listening any more; not an internal error to chase.
      logger.debug({ path: formatted.path }, 'request abandoned by its client');
      return { message: 'The client disconnected; the request was abandoned.', path: formatted.path, extensions: { code: 'REQUEST_ABANDONED' } };
    }
    if (isDatabaseUnavailable(original) || isDatabaseUnavailable((original as { driverError?: unknown } | null)?.driverError)) {
      logger.warn({ err: original, path: formatted.path }, 'database unavailable while resolving a request');
      return { message: DATABASE_UNAVAILABLE_MESSAGE, path: formatted.path, extensions: { code: DATABASE_UNAVAILABLE } };
    }
    if ((original as { code?: unknown } | null)?.code === QUERY_CANCELED) {
      return {
        message: 'The query ran longer than the statement timeout (READ_STATEMENT_TIMEOUT_MS) and was stopped: narrow the filter or the time window, or ask for smaller pages.',
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'QUERY_TIMEOUT' },
      };
    }
    const errorId = crypto.randomUUID();
    logger.error({ err: original, errorId, path: formatted.path }, 'unexpected error while resolving a request');
    return {
      message: `Internal error (id ${errorId}); the server log has the details.`,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
    };
  };
}

/**
 * An answer with no data because the database was unreachable is the server's outage, not the query's fault:
 * 503 with Retry-After, so a playbook's retry policy waits and tries again.
 */
export function databaseUnavailablePlugin(retryAfterSeconds: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (data == null && errors?.length && errors.every((e) => e.extensions?.code === DATABASE_UNAVAILABLE)) {
            response.http.status = 503;
            response.http.headers.set('retry-after', String(retryAfterSeconds));
          }
        },
      };
    },
  };
}
