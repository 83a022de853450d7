/** `mailtrail import <files or folders...>`: loads every file, prints a summary (or --json), exits 1 if a file failed. */
import fs from 'node:fs';
import path from 'node:path';
import type { ImportService } from '../import/import-service';
import type { ImportBatch } from '../model/import-batch.entity';
import { DEFAULT_ORG_ID } from '../model/organization.entity';
import { IMPORT_FORMATS, type ImportFormat } from '../import/types';
import { ProgressBar } from './progress';
import { batchView } from '../import/import-batches';

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

export function parseImportArgs(args: string[]): { paths: string[]; options: ImportCommandOptions } {
  const paths: string[] = [];
  const options: ImportCommandOptions = { json: false, format: 'AUTO' };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') options.json = true;
    else if (arg === '--format') {
      const value = (args[++i] ?? '').toUpperCase();
      if (value !== 'AUTO' && !(IMPORT_FORMATS as readonly string[]).includes(value)) {
        throw new Error(`--format ${value || '(missing)'} is not a known format. Use one of: AUTO, ${IMPORT_FORMATS.join(', ')}.`);
      }
      options.format = value as ImportFormat | 'AUTO';
    } else paths.push(arg);
  }
  return { paths, options };
}

function summaryLine(b: ImportBatch): string {
  const status = b.status === 'SUCCEEDED' ? 'ok' : b.status;
  const counts = `${b.recordsRead} read, ${b.recordsInserted} new, ${b.duplicates} duplicates, ${b.rejected} rejected`;
  return `${status.padEnd(6)} ${b.fileName ?? '(inline)'} [${b.format ?? '?'}] ${counts} (batch ${b.id})`;
}

export async function runImport(importer: ImportService, paths: string[], options: ImportCommandOptions): Promise<number> {
  if (paths.length === 0) {
    process.stderr.write('usage: mailtrail import [--json] [--format FORMAT] <files or folders...>\n');
    return 2;
  }
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
      results.push({ path: file, batches });
      if (batches.some((b) => b.status === 'FAILED')) unreadable++;
      if (!options.json) {
        for (const b of batches) {
          process.stdout.write(summaryLine(b) + '\n');
          if (b.error) process.stdout.write(`       ${b.error}\n`);
          for (const w of b.warnings) process.stdout.write(`       warning: ${w}\n`);
        }
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
