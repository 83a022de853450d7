#!/usr/bin/env node
'use strict';
// Runs the compiled CLI (npm start / npm run import build it first).
// Production mode unless told otherwise (as in the Docker image): graphql-js otherwise runs a development check on
// every type test, ~1.5 ms of CPU on a contract 01 request. Must be set before graphql is loaded.
process.env.NODE_ENV ??= 'production';

// An import's memory is bounded by design (a chunk in flight and one being prepared; the worker thread has its own
// 128 MB heap), but V8 sizes an uncapped heap from the machine's RAM and collects lazily: a 200,000-record import
// peaked at 591 MB RSS without a cap, 431 MB with 256 MB and 400 MB with 160 MB (a loaded machine; PERFORMANCE.md).
// `import` therefore runs in a child with a capped heap unless the caller chose one. Signals are passed on; if this process dies without one (SIGKILL), the child sees its IPC channel close and
// stops as on SIGTERM, so the import never outlives the command that started it.
const IMPORT_HEAP_MB = 192;
const heapChosen = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith('--max-old-space-size'));
if (process.argv[2] === 'import' && !heapChosen) {
  const { spawn } = require('node:child_process');
  const args = [`--max-old-space-size=${IMPORT_HEAP_MB}`, ...process.execArgv, __filename, ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: { ...process.env, MAILTRAIL_IMPORT_CHILD: '1' } });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (require('node:os').constants.signals[signal] ?? 0)));
  return;
}
if (process.env.MAILTRAIL_IMPORT_CHILD && process.channel) {
  delete process.env.MAILTRAIL_IMPORT_CHILD;
  process.channel.unref(); // the channel only watches the parent; it must not keep the import alive
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
let cli;
try {
  cli = require('../dist/src/cli/main.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND') {
    console.error('mailtrail is not built yet: run `npm run build` (npm start does it for you).');
    process.exit(1);
  }
  throw error;
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
