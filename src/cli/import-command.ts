/** `mailtrail import <files or folders...>`: loads every file, prints a summary (or --json), exits 1 if a file failed. */
import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { ImportService } from '../import/import-service';
import type { ImportBatch } from '../model/import-batch.entity';
import { DEFAULT_ORG_ID } from '../model/organization.entity';
import type { ImportFormat } from '../import/types';
import { ProgressBar } from './progress';
import { batchView } from '../import/import-batches';
import type { Parsed } from './args';

/** Files to import: the files named, and every file under the folders named (sorted, hidden files skipped). */
export function expandPaths(paths: string[]): string[] {
  const files: string[] = [];
  const visit = (p: string) => {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) if (!name.startsWith('.')) visit(path.join(p, name));
    } else if (stat.isFile()) {
      files.push(p);
    }
  };
  for (const p of paths) visit(p);
  return files;
}

export interface ImportCommandOptions {
  json: boolean;
  format: ImportFormat | 'AUTO';
}

/** The options as parsed (the format was checked against the known ones then, in specs.ts). */
export function importOptions(parsed: Parsed): ImportCommandOptions {
  const format = ((parsed.values.format as string | undefined) ?? 'AUTO').toUpperCase() as ImportFormat | 'AUTO';
  return { json: Boolean(parsed.values.json), format };
}

/**
 * Rejections the read stage writes when a file ends early: a damaged or truncated .gz/.zip entry, JSON that stops
 * inside a record or before its closing bracket, a CSV quote never closed. Records before them are kept, but the
 * file was not read to its end, so the command must not report success.
 */
const UNREAD_TAIL = ['compressed data is damaged or truncated%', 'input ended%', 'quoted field never closes%'];

async function unreadTail(dataSource: DataSource, batchId: string | number): Promise<string | null> {
  const rows: { reason: string }[] = await dataSource.query(
    'SELECT reason FROM import_rejection WHERE batch_id = $1 AND reason LIKE ANY($2) ORDER BY id DESC LIMIT 1',
    [batchId, UNREAD_TAIL],
  );
  return rows[0]?.reason ?? null;
}

function summaryLine(b: ImportBatch, partial: boolean): string {
  const status = partial ? 'PARTIAL' : b.status === 'SUCCEEDED' ? 'ok' : b.status;
  const counts = `${b.recordsRead} read, ${b.recordsInserted} new, ${b.duplicates} duplicates, ${b.rejected} rejected`;
  return `${status.padEnd(6)} ${b.fileName ?? '(inline)'} [${b.format ?? '?'}] ${counts} (batch ${b.id})`;
}

export async function runImport(
  importer: ImportService,
  dataSource: DataSource,
  paths: string[],
  options: ImportCommandOptions,
): Promise<number> {
  const results: { path: string; batches: ImportBatch[]; error?: string }[] = [];
  let unreadable = 0;
  let files: string[];
  try {
    files = expandPaths(paths);
  } catch (error) {
    process.stderr.write(`Cannot read ${(error as NodeJS.ErrnoException).path ?? paths.join(' ')}: ${(error as Error).message}\n`);
    return 1;
  }
  for (const file of files) {
    const bar = new ProgressBar();
    try {
      const batches = await importer.importFile(file, {
        orgId: DEFAULT_ORG_ID,
        source: 'cli',
        format: options.format,
        onProgress: (p) => bar.update(p),
      });
      bar.done();
      let tail: string | null = null;
      for (const b of batches) tail ??= await unreadTail(dataSource, b.id);
      const error = tail ? `the end of ${file} could not be read (${tail}): the records before it were imported` : undefined;
      results.push({ path: file, batches, error });
      if (tail || batches.some((b) => b.status === 'FAILED')) unreadable++;
      if (!options.json) {
        for (const b of batches) {
          process.stdout.write(summaryLine(b, Boolean(tail)) + '\n');
          if (b.error) process.stdout.write(`       ${b.error}\n`);
          for (const w of b.warnings) process.stdout.write(`       warning: ${w}\n`);
        }
        if (error) process.stdout.write(`       ${error}; import the complete file again to finish it\n`);
      }
    } catch (error) {
      bar.done();
      unreadable++;
      results.push({ path: file, batches: [], error: (error as Error).message });
      if (!options.json) process.stdout.write(`FAILED ${file}: ${(error as Error).message}\n`);
    }
  }
  const all = results.flatMap((r) => r.batches);
  const totals = {
    files: files.length,
    failedFiles: unreadable,
    recordsRead: all.reduce((n, b) => n + b.recordsRead, 0),
    recordsInserted: all.reduce((n, b) => n + b.recordsInserted, 0),
    duplicates: all.reduce((n, b) => n + b.duplicates, 0),
    rejected: all.reduce((n, b) => n + b.rejected, 0),
  };
  if (options.json) {
    // The same shape as the API's ImportBatch, so scripts can treat CLI and API answers alike.
    const files = results.map((r) => ({ path: r.path, error: r.error, batches: r.batches.map(batchView) }));
    process.stdout.write(JSON.stringify({ totals, files }, null, 2) + '\n');
  } else {
    process.stdout.write(
      `\n${totals.files} file(s): ${totals.recordsRead} records read, ${totals.recordsInserted} new, ${totals.duplicates} duplicates, ${totals.rejected} rejected` +
        (unreadable ? `; ${unreadable} file(s) failed` : '') +
        (totals.rejected ? '. See the rejections with the importBatch query.' : '') +
        '\n',
    );
  }
  return unreadable > 0 ? 1 : 0;
}
