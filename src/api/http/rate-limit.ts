/**
 * Per-key rate limits: a token bucket per API key, `perMinute` requests refilled evenly with bursts up to
 * `burst`. Over the limit a request is answered 429 with Retry-After (when the next token arrives) and never
 * reaches the database. Buckets are kept only for keys seen recently, so the table stays bounded.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Principal } from './auth';
import { sendRetryLater } from './http-errors';

/** Keys tracked at most; the least recently seen are forgotten (their bucket starts full again). */
export const MAX_RATE_BUCKETS = 10_000;

export function rateLimit(opts: { perMinute: number; burst: number }) {
  const buckets = new Map<number, { tokens: number; at: number }>();
  const perMs = opts.perMinute / 60_000;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (opts.perMinute === 0) return next();
    const keyId = (req as Request & { principal: Principal }).principal.keyId;
    const now = Date.now();
    const bucket = buckets.get(keyId) ?? { tokens: opts.burst, at: now };
    bucket.tokens = Math.min(opts.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    buckets.delete(keyId);
    buckets.set(keyId, bucket);
    if (buckets.size > MAX_RATE_BUCKETS) buckets.delete(buckets.keys().next().value!);
    if (bucket.tokens < 1) {
      const waitMs = (1 - bucket.tokens) / perMs;
      sendRetryLater(
        res,
        429,
        'RATE_LIMITED',
        `Too many requests from this API key: the limit is ${opts.perMinute} per minute with bursts of ${opts.burst} (RATE_LIMIT_PER_MINUTE, RATE_LIMIT_BURST). Retry after the Retry-After seconds.`,
        waitMs / 1000,
      );
      return;
    }
    bucket.tokens -= 1;
    next();
  };
}
