/**
 * Errors the services (and anything else below the API) throw for expected failures, each with a message that says
 * what to fix. They know nothing of GraphQL: api/errors.ts maps each kind to its extensions.code.
 */
export class DomainError extends Error {}

/** The caller's input is wrong (an argument, a cursor, a window); the message says how to fix it. */
export class UserInputError extends DomainError {
  override name = 'UserInputError';
}

/** The caller's role may not do this. */
export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
}
