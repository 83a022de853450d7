/**
 * GET /access-log: the access log of the caller's organisation as CSV (admin keys), streamed a page at a time so
 * a long log is never held in memory. Query parameters: from, to (ISO 8601), keyName.
 */
import express, { type Router } from 'express';
import type { DataSource } from 'typeorm';
import { AccessLogService } from '../services/access-log.service';
import { timeRange } from '../services/time-range';
import type { Principal } from './auth';
import { csvLine } from './csv';
import { sendError } from './http-errors';

const PAGE = 1_000;
const COLUMNS = ['id', 'at', 'keyId', 'keyName', 'route', 'operation', 'variables', 'rowsReturned', 'status', 'durationMs'] as const;

function dateParam(value: unknown, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new RangeError(`${name} must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z.`);
  return date;
}

export function accessLogRouter(dataSource: DataSource): Router {
  const router = express.Router();
  router.get('/', async (req, res, next) => {
    const principal = (req as unknown as { principal: Principal }).principal;
    let range;
    try {
      range = timeRange(dateParam(req.query.from, 'from'), dateParam(req.query.to, 'to'));
    } catch (error) {
      return sendError(res, 400, 'BAD_USER_INPUT', (error as Error).message);
    }
    const keyName = typeof req.query.keyName === 'string' ? req.query.keyName : null;
    const service = new AccessLogService(dataSource, principal.orgId);
    try {
      let page = await service.page({ ...range, keyName }, PAGE, null);
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', 'attachment; filename="access-log.csv"');
      res.write(csvLine([...COLUMNS]));
      for (;;) {
        for (const { node } of page.edges) res.write(csvLine(COLUMNS.map((c) => node[c])));
        if (!page.pageInfo.hasNextPage || res.destroyed) break;
        page = await service.page({ ...range, keyName }, PAGE, page.pageInfo.endCursor);
      }
      res.end();
    } catch (error) {
      if (res.headersSent) res.destroy(error as Error);
      else next(error);
    }
  });
  return router;
}
