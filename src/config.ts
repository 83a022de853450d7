/**
 * All configuration, read once from environment variables. Each variable is documented in the README;
 * an invalid value stops start-up with a message that names the variable and what it expects.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MAX_RECORD_CHARS } from './import/read/errors';

/** The project's own folder (the one with package.json), found from the installed code, wherever it is run from. */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (dir === path.dirname(dir)) return from;
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);

/** The default data directory: inside the project, so every command finds the same embedded database. */
export const DEFAULT_DATA_DIR = path.join(PROJECT_ROOT, '.mailtrail');

export function dataDirFrom(env: Env): string {
  return path.resolve(env.MAILTRAIL_DATA_DIR?.trim() || DEFAULT_DATA_DIR);
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  /** PostgreSQL connection string; null means "start the embedded PostgreSQL". */
  databaseUrl: string | null;
  host: string;
  port: number;
  /** Where the embedded PostgreSQL keeps its data, and where the first API key is written. */
  dataDir: string;
  embeddedPgPort: number;
  logLevel: LogLevel;
  /** Largest inline `importAuditLog` content and `POST /imports` body accepted (bytes). */
  maxInlineImportBytes: number;
  maxUploadBytes: number;
  /** Query limits: deepest selection and largest estimated row count one request may ask for. */
  maxQueryDepth: number;
  maxQueryCost: number;
  /** Aliases, directives and lexical tokens one GraphQL document may hold (refused as a 400 before it runs). */
  maxQueryAliases: number;
  maxQueryDirectives: number;
  maxQueryTokens: number;
  /** Requests per minute per API key (0 = unlimited), and the burst allowed above that pace (beyond: 429). */
  rateLimitPerMinute: number;
  rateLimitBurst: number;
  /** How the access log keeps GraphQL variables: hashed values (default), plain values, or none. */
  accessLogVariables: 'hashed' | 'plain' | 'none';
  /** Access log rows wait at most this long to be written together (ms; 0 = each at once). */
  accessLogFlushMs: number;
  /** Number of records staged and merged per transaction while importing (a chunk also stops at 4 MiB of text, each listed item counting as 100 characters: prepare.ts). */
  importChunkRecords: number;
  /** The largest record an import accepts, in MiB (a larger one is rejected; memory is ~40x a record). */
  importMaxRecordMb: number;
  /** statement_timeout of API reads, and of import work (0 = none), in milliseconds. */
  readStatementTimeoutMs: number;
  importStatementTimeoutMs: number;
  /**
   * PostgreSQL's JIT on the server's connections (DATABASE_JIT, off by default): the API's statements are short, and
   * compiling them cost ~0.4 s each on plans the planner judged expensive (docs/PERFORMANCE.md, "JIT").
   */
  databaseJit: boolean;
  /** The API's reads as named statements, parsed once per connection (DATABASE_PREPARE, on by default; prepared-statements.ts). */
  databasePrepare: boolean;
  /** Largest GraphQL request body from a reader key, and largest query document from any key (bytes). */
  maxQueryBytes: number;
  /** An upload (POST /imports) that sends nothing for this long is dropped (ms); uploads have no total time limit. */
  uploadIdleTimeoutMs: number;
  /** GraphQL requests executing at once, and waiting for their turn (beyond that: 503 SERVER_BUSY). */
  maxRunningQueries: number;
  maxWaitingQueries: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${JSON.stringify(text)} is not valid: expected a whole number from ${min} to ${max}.`);
  }
  return value;
}

function bytes(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const match = /^\s*(\d+)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!match) throw new ConfigError(`${name}=${JSON.stringify(text)} is not valid: expected a size such as 50mb, 2gb or 1048576.`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit === 'gb' ? 1024 ** 3 : unit === 'mb' ? 1024 ** 2 : unit === 'kb' ? 1024 : 1;
  return Number(match[1]) * factor;
}

/** One of `choices`; the first is the default. */
function oneOf<T extends string>(env: Env, name: string, choices: readonly T[]): T {
  const text = env[name]?.trim().toLowerCase();
  if (!text) return choices[0];
  if (!(choices as readonly string[]).includes(text)) {
    throw new ConfigError(`${name}=${JSON.stringify(env[name])} is not valid: expected one of ${choices.join(', ')}.`);
  }
  return text as T;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must be a postgres:// or postgresql:// URL (got ${JSON.stringify(databaseUrl.slice(0, 40))}).`);
  }
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL=${JSON.stringify(env.LOG_LEVEL)} is not valid: expected one of ${LOG_LEVELS.join(', ')}.`);
  }
  const host = env.HOST?.trim() || '127.0.0.1';
  return {
    databaseUrl,
    host,
    port: int(env, 'PORT', 4000, 0, 65535),
    dataDir: dataDirFrom(env),
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    logLevel,
    maxInlineImportBytes: bytes(env, 'MAX_INLINE_IMPORT_BYTES', 50 * 1024 ** 2),
    maxUploadBytes: bytes(env, 'MAX_UPLOAD_BYTES', 20 * 1024 ** 3),
    maxQueryDepth: int(env, 'MAX_QUERY_DEPTH', 10, 2, 50),
    maxQueryCost: int(env, 'MAX_QUERY_COST', 250_000, 100, 100_000_000),
    maxQueryAliases: int(env, 'MAX_QUERY_ALIASES', 30, 0, 10_000),
    maxQueryDirectives: int(env, 'MAX_QUERY_DIRECTIVES', 20, 0, 10_000),
    maxQueryTokens: int(env, 'MAX_QUERY_TOKENS', 5_000, 100, 1_000_000),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 600, 0, 1_000_000),
    rateLimitBurst: int(env, 'RATE_LIMIT_BURST', 100, 1, 1_000_000),
    accessLogVariables: oneOf(env, 'ACCESS_LOG_VARIABLES', ['hashed', 'plain', 'none'] as const),
    accessLogFlushMs: int(env, 'ACCESS_LOG_FLUSH_MS', 200, 0, 60_000),
    importChunkRecords: int(env, 'IMPORT_CHUNK_RECORDS', 5000, 100, 1_000_000),
    importMaxRecordMb: int(env, 'IMPORT_MAX_RECORD_MB', DEFAULT_MAX_RECORD_CHARS / (1024 * 1024), 1, 1024),
    readStatementTimeoutMs: int(env, 'READ_STATEMENT_TIMEOUT_MS', 30_000, 100, 3_600_000),
    importStatementTimeoutMs: int(env, 'IMPORT_STATEMENT_TIMEOUT_MS', 3_600_000, 0, 86_400_000),
    databaseJit: oneOf(env, 'DATABASE_JIT', ['off', 'on'] as const) === 'on',
    databasePrepare: oneOf(env, 'DATABASE_PREPARE', ['on', 'off'] as const) === 'on',
    maxQueryBytes: bytes(env, 'MAX_QUERY_BYTES', 256 * 1024),
    uploadIdleTimeoutMs: int(env, 'UPLOAD_IDLE_TIMEOUT_MS', 120_000, 1_000, 3_600_000),
    maxRunningQueries: int(env, 'MAX_RUNNING_QUERIES', Math.max(2, os.availableParallelism()), 1, 1000),
    maxWaitingQueries: int(env, 'MAX_WAITING_QUERIES', 1000, 0, 100_000),
  };
}
