/**
 * The one JSON error shape of every route that is not GraphQL itself (and of GraphQL requests refused before
 * they reach Apollo): `{ errors: [{ message, extensions: { code } }] }`, the shape GraphQL clients already parse.
 */
import type { Response } from 'express';

export function sendError(res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extra } }] });
}

/** A refusal the client should retry later: the status, and Retry-After in whole seconds. */
export function sendRetryLater(res: Response, status: 429 | 503, code: string, message: string, retryAfterSeconds: number): void {
  res.setHeader('retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  sendError(res, status, code, message);
}
