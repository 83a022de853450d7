/**
 * The README's Configuration tables list every setting and every built-in limit with its real default: a setting
 * added to src/config.ts without a row, or a constant changed without its row, fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/api/graphql/pagination';
import { COUNT_SCAN_ROWS } from '../../src/api/graphql/query-limits';
import { DEFAULT_SESSIONS_PER_HOP, MAX_HOPS, MAX_SESSIONS_PER_HOP } from '../../src/api/graphql/resolvers/pivot.resolver';
import { MAX_BUCKETS, MAX_TOP } from '../../src/api/services/activity.service';
import { MAX_DAYS } from '../../src/api/services/coverage.service';
import { MAX_ORGANIZATION_NAME } from '../../src/api/services/organization.service';
import { KEY_CACHE_SIZE, MAX_KEY_CHARS } from '../../src/api/http/auth';
import { MAX_RATE_BUCKETS } from '../../src/api/http/rate-limit';
import { BODY_DEADLINE_MS } from '../../src/api/http/server';

const ROOT = path.join(__dirname, '../..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const configSource = fs.readFileSync(path.join(ROOT, 'src/config.ts'), 'utf8');
const configuration = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));

/** Table rows of the Configuration section: cells without the outer pipes. */
const rows = configuration
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('|---'))
  .map((line) => line.slice(1, -1).split(' | ').map((cell) => cell.trim()));

const CONSTANTS: Record<string, number> = {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  COUNT_SCAN_ROWS,
  MAX_HOPS,
  DEFAULT_SESSIONS_PER_HOP,
  MAX_SESSIONS_PER_HOP,
  MAX_BUCKETS,
  MAX_TOP,
  MAX_DAYS,
  KEY_CACHE_SIZE,
  MAX_KEY_CHARS,
  MAX_RATE_BUCKETS,
  BODY_DEADLINE_MS,
  MAX_ORGANIZATION_NAME,
};

describe('README configuration tables', () => {
  // Every variable src/config.ts reads: int(env, 'NAME', ...), bytes(...), oneOf(...), env.NAME.
  const settings = [...new Set([...configSource.matchAll(/\(env, '([A-Z_]+)'/g), ...configSource.matchAll(/env\.([A-Z_]+)/g)].map((m) => m[1]))];

  test('src/config.ts reads the settings this test knows how to find', () => {
    expect(settings).toEqual(expect.arrayContaining(['DATABASE_URL', 'MAX_QUERY_DEPTH', 'MAX_QUERY_COST', 'MAX_QUERY_TOKENS', 'RATE_LIMIT_PER_MINUTE', 'MAX_QUERY_BYTES']));
  });

  test.each(settings)('%s has a row whose default is the real one', (name) => {
    const row = rows.find((r) => r[0] === `\`${name}\``);
    expect(row).toBeDefined();
    const literal = /^`([^`]+)`$/.exec(row![1])?.[1];
    // A literal default, given explicitly, must configure exactly what leaving the variable unset does.
    if (literal !== undefined && !literal.includes('<')) expect(loadConfig({ [name]: literal })).toEqual(loadConfig({}));
  });

  test('MAILTRAIL_API_KEY (read by serve) has a row too', () => {
    expect(rows.some((r) => r[0] === '`MAILTRAIL_API_KEY`')).toBe(true);
  });

  test.each(Object.entries(CONSTANTS))('built-in limit %s = %d is listed with its value', (name, value) => {
    const row = rows.find((r) => r.length === 3 && new RegExp(`\\b${name}\\b`).test(r[2]));
    expect(row).toBeDefined();
    // Constants named together in one row give their values in the same order.
    const names = [...row![2].matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]);
    const values = [...row![1].matchAll(/`(\d+)`/g)].map((m) => Number(m[1]));
    expect(values[names.indexOf(name)]).toBe(value);
  });
});
