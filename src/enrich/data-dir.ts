import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The shipped data lives in `data/enrichment/` at the package root; this module runs from `src/enrich/` (tests)
 * or `dist/src/enrich/` (built), so the root is found by walking up rather than by a fixed depth.
 */
export function enrichmentDataFile(name: string): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'data', 'enrichment', 'manifest.json');
    if (existsSync(candidate)) return join(dir, 'data', 'enrichment', name);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`enrichment data not found above ${__dirname} (data/enrichment/manifest.json)`);
    dir = parent;
  }
}

/** Loads a table on first use and keeps it: the data never changes while the process runs. */
export function lazily<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}
