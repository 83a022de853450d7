import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MIGRATIONS } from '../../migrations';
import { fileSha256, migrationClassName, migrationFiles, readManifest, registerMigration } from '../../src/db/migration-registry';

const DIR = path.join(__dirname, '../../migrations');

describe('migrations are append-only', () => {
  test('no committed migration file changed: each matches its sha256 in migrations/manifest.json', () => {
    const manifest = readManifest(DIR);
    const files = migrationFiles(DIR);
    expect(files.length).toBeGreaterThan(0);
    // A new file must be registered (generate-migration does it); a registered file must still exist.
    expect(Object.keys(manifest).sort()).toEqual([...files].sort());
    for (const file of files) {
      expect({ file, sha256: fileSha256(path.join(DIR, file)) }).toEqual({ file, sha256: manifest[file] });
    }
  });

  test('every migration file runs, in timestamp order', () => {
    expect(MIGRATIONS.map((m) => m.name)).toEqual(migrationFiles(DIR).map(migrationClassName));
  });

  test('registering a new migration adds it to index.ts and the manifest, once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrail-migrations-'));
    try {
      for (const f of ['index.ts', 'manifest.json', ...migrationFiles(DIR)]) fs.copyFileSync(path.join(DIR, f), path.join(dir, f));
      const added = '1900000000000-AddThing.ts';
      fs.writeFileSync(path.join(dir, added), 'export class AddThing1900000000000 {}\n');
      registerMigration(dir, added);
      const index = fs.readFileSync(path.join(dir, 'index.ts'), 'utf8');
      expect(index).toContain("import { AddThing1900000000000 } from './1900000000000-AddThing';");
      expect(index).toMatch(/MIGRATIONS: Function\[\] = \[Initial1795830465438(, \w+)*, AddThing1900000000000\];/);
      expect(readManifest(dir)[added]).toBe(fileSha256(path.join(dir, added)));
      expect(readManifest(dir)['1795830465438-Initial.ts']).toBe(readManifest(DIR)['1795830465438-Initial.ts']);
      expect(() => registerMigration(dir, added)).toThrow(/append-only/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
