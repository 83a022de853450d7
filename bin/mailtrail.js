#!/usr/bin/env node
'use strict';
// Runs the compiled CLI (npm start / npm run import build it first).
// Production mode unless told otherwise (as in the Docker image): graphql-js otherwise runs a development check on
// every type test, ~1.5 ms of CPU on a contract 01 request. Must be set before graphql is loaded.
process.env.NODE_ENV ??= 'production';
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
