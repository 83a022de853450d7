/**
 * The one place internal errors become GraphQL errors. Expected failures carry a stable extensions.code and a
 * message that says what to fix; anything else is logged with its stack and reaches the client only as
 * INTERNAL_SERVER_ERROR with a request id, never with SQL or a stack trace.
 */
import crypto from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
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
]);

export function formatErrorFor(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const code = domainCode(original) ?? formatted.extensions?.code;
    if (typeof code === 'string' && SAFE_CODES.has(code)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions: { ...extensions, code } };
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
