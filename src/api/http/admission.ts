/**
 * Admission control for GraphQL requests: at most `maxRunning` execute at once, the rest wait in line (first come,
 * first served) and beyond `maxWaiting` are turned away with 503 and Retry-After. Executing a large answer keeps
 * the event loop busy; bounding how many do so at once keeps /healthz, and every request's share of the pool,
 * predictable under load. A request whose client leaves while waiting gives up its place.
 */
import type { NextFunction, Request, Response } from 'express';
import { sendRetryLater } from './http-errors';

export function admission(opts: { maxRunning: number; maxWaiting: number }) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = () => {
      running++;
      res.once('close', release);
      next();
    };
    if (running < opts.maxRunning) return start();
    if (waiting.length >= opts.maxWaiting) {
      sendRetryLater(res, 503, 'SERVER_BUSY', `The server is busy (${waiting.length} requests waiting): retry shortly.`, 1);
      return;
    }
    const turn = () => {
      res.off('close', leave);
      start();
    };
    const leave = () => {
      const at = waiting.indexOf(turn);
      if (at >= 0) waiting.splice(at, 1);
    };
    res.once('close', leave);
    waiting.push(turn);
  };
}
