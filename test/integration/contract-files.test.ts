/**
 * The repository stands on its own: every client operation it ships in contract/ is valid against
 * schema/schema.graphql, and no code, test, bench, README or CI script points outside the repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { CONTRACT_DIR, CONTRACT_FILES } from './contract-queries';

const ROOT = path.join(__dirname, '../..');
const schema = buildSchema(fs.readFileSync(path.join(ROOT, 'schema/schema.graphql'), 'utf8'));

test('contract/ ships the client operations', () => {
  expect(CONTRACT_FILES.length).toBeGreaterThanOrEqual(9);
});

test.each(CONTRACT_FILES)('contract/%s is valid against schema/schema.graphql', (file) => {
  const document = parse(fs.readFileSync(path.join(CONTRACT_DIR, file), 'utf8'));
  expect(validate(schema, document).map((e) => e.message)).toEqual([]);
});

test('nothing in src, test, bench, bin, .ci or the README reads outside the repository', () => {
  const files: string[] = ['README.md', 'package.json'];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (rel !== 'test/fixtures' && rel !== 'bench/data') visit(rel);
      } else files.push(rel);
    }
  };
  for (const dir of ['src', 'test', 'bench', 'bin', '.ci']) visit(dir);
  // A relative path literal that climbs out of the project (resolved from its file, and from its compiled copy in
  // dist/, one level deeper: outside from both), or a path naming the team's folder.
  const names = /\.\.\/shared\b|\/work\/shared/;
  const climbsOut = (file: string, text: string) =>
    [...text.matchAll(/['"`]((?:\.\.\/)+)/g)].some((m) => {
      const inside = (base: string) => !path.relative(ROOT, path.resolve(base, m[1])).startsWith('..');
      const dir = path.join(ROOT, path.dirname(file));
      return !inside(dir) && !inside(path.join(ROOT, 'dist', path.dirname(file)));
    });
  const offenders = files.filter((f) => {
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    return names.test(text) || climbsOut(f, text);
  });
  expect(offenders).toEqual([]);
});
