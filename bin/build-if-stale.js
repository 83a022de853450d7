#!/usr/bin/env node
'use strict';
/**
 * Compiles the project only when a source is newer than the last successful build, so `npm start` and
 * `npm run import` start at once when nothing changed. The stamp (dist/.build-stamp) carries the time the build
 * started: a file saved during a build makes the next run build again. Deleted or renamed files change their
 * folder's time, so they count too.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const SOURCES = ['src', 'migrations', 'bench', 'test', 'tsconfig.json', 'package.json', 'package-lock.json'];

function newest(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  let time = stat.mtimeMs;
  if (stat.isDirectory()) for (const name of fs.readdirSync(file)) time = Math.max(time, newest(path.join(file, name)));
  return time;
}

function builtAt() {
  try {
    return fs.statSync(stamp).mtimeMs;
  } catch {
    return -1;
  }
}

// --force (npm run build): compile whatever the times say, and stamp it.
const force = process.argv.includes('--force');
const sourcesAt = Math.max(...SOURCES.map((s) => newest(path.join(root, s))));
if (!force && builtAt() >= sourcesAt) process.exit(0);

let tsc;
try {
  tsc = path.join(path.dirname(require.resolve('typescript/package.json', { paths: [root] })), 'bin', 'tsc');
} catch {
  // An install without dev dependencies (e.g. the Docker image) runs what it shipped.
  if (fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'main.js'))) process.exit(0);
  console.error('mailtrail is not built and TypeScript is not installed: run `npm ci`, then try again.');
  process.exit(1);
}

const started = new Date();
if (!force) process.stderr.write('mailtrail: sources changed since the last build; compiling...\n');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
fs.writeFileSync(stamp, `${started.toISOString()}\n`);
fs.utimesSync(stamp, started, started);
