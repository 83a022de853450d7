/** `npm start` compiles only when a source changed: bin/build-if-stale.js in a small project of its own. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, tempDir } from '../support/cli';

describe('bin/build-if-stale.js', () => {
  const project = tempDir('build');
  const out = path.join(project, 'dist/src/a.js');
  const run = () => promisify(execFile)(process.execPath, [path.join(project, 'bin/build-if-stale.js')], { cwd: project });

  beforeAll(() => {
    fs.mkdirSync(path.join(project, 'bin'));
    fs.mkdirSync(path.join(project, 'src'));
    fs.copyFileSync(path.join(ROOT, 'bin/build-if-stale.js'), path.join(project, 'bin/build-if-stale.js'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'));
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"p","version":"1.0.0"}\n');
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: '.', module: 'nodenext', types: [] }, include: ['src/**/*.ts'] }),
    );
    fs.writeFileSync(path.join(project, 'src/a.ts'), 'export const a: number = 1;\n');
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  test('builds the first time, does nothing while sources are unchanged, builds again after a change', async () => {
    const first = await run();
    expect(first.stderr).toContain('compiling');
    expect(fs.readFileSync(out, 'utf8')).toContain('exports.a = 1');
    const builtAt = fs.statSync(out).mtimeMs;

    const again = await run();
    expect(again.stderr).toBe('');
    expect(fs.statSync(out).mtimeMs).toBe(builtAt);

    fs.writeFileSync(path.join(project, 'src/a.ts'), 'export const a: number = 2;\n');
    const future = new Date(Date.now() + 2_000); // later than the stamp even on coarse file-time clocks
    fs.utimesSync(path.join(project, 'src/a.ts'), future, future);
    const changed = await run();
    expect(changed.stderr).toContain('compiling');
    expect(fs.readFileSync(out, 'utf8')).toContain('exports.a = 2');

    // --force (npm run build) compiles even when nothing changed.
    fs.rmSync(out);
    expect((await promisify(execFile)(process.execPath, [path.join(project, 'bin/build-if-stale.js'), '--force'])).stderr).toBe('');
    expect(fs.existsSync(out)).toBe(true);
  });

  test('a failed compile exits non-zero and is tried again next time', async () => {
    fs.writeFileSync(path.join(project, 'src/a.ts'), 'export const a: number = "text";\n');
    const future = new Date(Date.now() + 4_000);
    fs.utimesSync(path.join(project, 'src/a.ts'), future, future);
    await expect(run()).rejects.toMatchObject({ code: 2 });
    await expect(run()).rejects.toMatchObject({ code: 2 });
  });
});
