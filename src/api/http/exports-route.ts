/**
 * GET /exports/timeline?mailbox=&sessionId=&clientIp=&from=&to=&format=: the timeline (src/export/timeline.ts)
 * streamed as a download; GET /exports/notification-list the same way (src/export/notification-list.ts). A bad argument is a 400 with what to fix; a failure before the first byte goes to the
 * server's error handler, one after it ends the download early and is logged (the status line is gone by then).
 */
import express, { type NextFunction, type Response, type Router } from 'express';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { Logger } from '../../logger';
import { UserInputError } from '../../errors';
import { CONTENT_TYPES, timelineQuery, writeTimeline } from '../../export/timeline';
import { NOTIFICATION_CONTENT_TYPES, notificationDownload, prepareNotificationList } from '../../export/notification-list';
import type { Principal } from './auth';
import { sendError } from './http-errors';

export function exportsRouter(deps: { pool: Pool; dataSource: DataSource; logger: Logger }): Router {
  const router = express.Router();
  router.get('/timeline', async (req, res, next) => {
    const text = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    let asked: ReturnType<typeof timelineQuery>;
    try {
      asked = timelineQuery({ mailbox: text('mailbox'), sessionId: text('sessionId'), clientIp: text('clientIp'), from: text('from'), to: text('to'), format: text('format') });
    } catch (error) {
      if (!(error instanceof UserInputError)) throw error;
      sendError(res, 400, 'BAD_USER_INPUT', error.message);
      return;
    }
    const principal = (req as unknown as { principal: Principal }).principal;
    const extension = asked.format === 'timesketch-jsonl' ? 'jsonl' : 'csv';
    res.status(200);
    res.setHeader('content-type', CONTENT_TYPES[asked.format]);
    res.setHeader('content-disposition', `attachment; filename="timeline.${extension}"`);
    res.setHeader('cache-control', 'no-store');
    try {
      await writeTimeline(deps.pool, principal.orgId, asked.query, asked.format, res);
      res.end();
    } catch (error) {
      if (!res.headersSent) return failBeforeDownload(res, next, error);
      deps.logger.error({ err: error }, 'timeline export failed after the download started');
      res.destroy();
    }
  });
  // GET /exports/notification-list?mailboxes=a@x,b@x&from=&to=&sessionIds=&clientIps=&clientAppIds=&format=csv|xlsx
  router.get('/notification-list', async (req, res, next) => {
    const principal = (req as unknown as { principal: Principal }).principal;
    let asked: ReturnType<typeof notificationDownload>;
    let writeList: Awaited<ReturnType<typeof prepareNotificationList>>;
    try {
      asked = notificationDownload(req.query as Record<string, unknown>);
      // Resolves the mailboxes first, so an unknown UPN is a 400 before the download starts.
      writeList = await prepareNotificationList(deps.dataSource, principal.orgId, asked.args, asked.format);
    } catch (error) {
      if (error instanceof UserInputError) {
        res.status(400).json({ error: error.message });
        return;
      }
      return next(error);
    }
    res.status(200);
    res.setHeader('content-type', NOTIFICATION_CONTENT_TYPES[asked.format]);
    res.setHeader('content-disposition', `attachment; filename="notification-list.${asked.format}"`);
    res.setHeader('cache-control', 'no-store');
    try {
      await writeList(res);
      res.end();
    } catch (error) {
      if (!res.headersSent) return failBeforeDownload(res, next, error);
      deps.logger.error({ err: error }, 'notification list export failed after the download started');
      res.destroy();
    }
  });
  return router;
}

/**
 * A download that failed before its first byte: the server's last-resort handler answers (503 for a database
 * outage, else 500) with its own type, not under the download's headers.
 */
function failBeforeDownload(res: Response, next: NextFunction, error: unknown): void {
  for (const name of ['content-type', 'content-disposition']) res.removeHeader(name);
  next(error);
}
