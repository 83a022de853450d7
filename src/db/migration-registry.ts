/**
 * Migrations are append-only: a database records which migrations it ran by name, so a migration edited after it
 * was committed leaves earlier databases "up to date" with the wrong schema. migrations/manifest.json holds the
 * sha256 of every committed migration file; a test fails when one changes, and a new migration is registered (in
 * migrations/index.ts and the manifest) by `mailtrail generate-migration`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const MANIFEST = 'manifest.json';
const INDEX = 'index.ts';

/** The migration files of a directory (`<timestamp>-<Name>.ts`), oldest first. */
export function migrationFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+-[A-Za-z0-9]+\.ts$/.test(f))
    .sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]));
}

export function fileSha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function readManifest(dir: string): Record<string, string> {
  const file = path.join(dir, MANIFEST);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

/** `1795830465438-Initial.ts` -> `Initial1795830465438`, the class renderMigration writes. */
export function migrationClassName(fileName: string): string {
  const [timestamp, name] = path.basename(fileName, '.ts').split('-');
  return `${name}${timestamp}`;
}

/** Adds a new migration file to migrations/index.ts (import and list) and to the manifest. */
export function registerMigration(dir: string, fileName: string): void {
  const manifest = readManifest(dir);
  if (manifest[fileName]) throw new Error(`${fileName} is already registered; migrations are append-only.`);
  const className = migrationClassName(fileName);
  const indexFile = path.join(dir, INDEX);
  const index = fs.readFileSync(indexFile, 'utf8');
  const list = /export const MIGRATIONS: Function\[\] = \[([^\]]*)\];/.exec(index);
  if (!list) throw new Error(`${indexFile} has no "export const MIGRATIONS: Function[] = [...]" list to add ${className} to.`);
  const entries = list[1].split(',').map((e) => e.trim()).filter(Boolean);
  const lines = index.replace(list[0], `export const MIGRATIONS: Function[] = [${[...entries, className].join(', ')}];`).split('\n');
  const lastImport = lines.reduce((last, line, i) => (line.startsWith('import ') ? i : last), -1);
  lines.splice(lastImport + 1, 0, `import { ${className} } from './${path.basename(fileName, '.ts')}';`);
  const updated = lines.join('\n');
  fs.writeFileSync(indexFile, updated);
  manifest[fileName] = fileSha256(path.join(dir, fileName));
  fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
}
