/**
 * POST /imports: streams a request body of any size (gzip and zip allowed) into the import pipeline and answers
 * the resulting batch(es) as JSON. For files too large for a GraphQL string. Query parameters: fileName, format.
 */
import { Transform } from 'node:stream';
import express, { type Router } from 'express';
import type { Logger } from '../../logger';
import type { ImportService } from '../../import/import-service';
import { IMPORT_FORMATS, type ImportFormat } from '../../import/types';
import { batchView } from '../../import/import-batches';
import type { Principal } from './auth';
import { sendError } from './http-errors';

export function importsRouter(deps: { importer: ImportService; maxUploadBytes: number; idleTimeoutMs: number; logger: Logger }): Router {
  const router = express.Router();
  router.post('/', async (req, res, next) => {
    try {
      const format = String(req.query.format ?? 'AUTO').toUpperCase();
      if (format !== 'AUTO' && !(IMPORT_FORMATS as readonly string[]).includes(format)) {
        sendError(res, 400, 'BAD_USER_INPUT', `Unknown format ${format}: use AUTO or one of ${IMPORT_FORMATS.join(', ')}.`);
        return;
      }
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > deps.maxUploadBytes) {
        sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Upload of ${declared} bytes exceeds MAX_UPLOAD_BYTES (${deps.maxUploadBytes}).`);
        return;
      }
      let seen = 0;
      const limiter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          if (seen > deps.maxUploadBytes) done(new Error(`Upload exceeds MAX_UPLOAD_BYTES (${deps.maxUploadBytes} bytes).`));
          else done(null, chunk);
        },
      });
      req.pipe(limiter);
      req.on('error', (error) => limiter.destroy(error));
      // No total time limit (a 20 GB upload takes long), but an upload that stops sending fails its batch.
      const onIdle = () => {
        req.unpipe(limiter);
        limiter.destroy(new Error(`the upload sent nothing for ${deps.idleTimeoutMs / 1000} s (UPLOAD_IDLE_TIMEOUT_MS)`));
      };
      req.setTimeout(deps.idleTimeoutMs, onIdle);
      res.once('finish', () => req.off('timeout', onIdle));
      // A Content-Encoding: gzip body is just gzip bytes to us: the reader unpacks it by its magic number.
      const fileName = typeof req.query.fileName === 'string' ? req.query.fileName.slice(0, 500) : null;
      if (fileName?.includes('\u0000')) {
        sendError(res, 400, 'BAD_USER_INPUT', 'fileName contains a NUL character (\\u0000).');
        return;
      }
      const principal = (req as unknown as { principal: Principal }).principal;
      const batches = await deps.importer.importStream(limiter, {
        orgId: principal.orgId,
        fileName,
        source: 'http',
        importedBy: principal.name,
        format: format as ImportFormat | 'AUTO',
        totalBytes: Number.isFinite(declared) ? declared : null,
      });
      req.setTimeout(0);
      // Answered before the whole body came (a refusal, a failure): close rather than read the rest of it.
      if (!req.complete) res.setHeader('connection', 'close');
      const views = batches.map(batchView);
      const failed = views.some((b) => b.status === 'FAILED');
      res.status(failed ? 422 : 200).json({ batches: views });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
