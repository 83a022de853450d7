import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { importerOptionsOf } from '../../src/import/import-service';

describe('configuration from the environment', () => {
  test('defaults bind to loopback on port 4000 and use the embedded database', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4000, databaseUrl: null, logLevel: 'info' });
  });

  test('the default data directory is the project\'s own .mailtrail, not one under the current folder', () => {
    expect(loadConfig({}).dataDir).toBe(path.join(__dirname, '../..', '.mailtrail'));
    expect(loadConfig({ MAILTRAIL_DATA_DIR: '/srv/mt' }).dataDir).toBe('/srv/mt');
  });

  test.each([
    ['PORT', 'eighty', /PORT="eighty" is not valid: expected a whole number from 0 to 65535/],
    ['PORT', '70000', /PORT="70000"/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud" is not valid: expected one of fatal/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must be a postgres:\/\//],
    ['MAX_INLINE_IMPORT_BYTES', 'lots', /expected a size such as 50mb/],
    ['MAX_QUERY_DEPTH', '1', /MAX_QUERY_DEPTH="1"/],
    ['IMPORT_MAX_RECORD_MB', '0', /IMPORT_MAX_RECORD_MB="0" is not valid: expected a whole number from 1 to 1024/],
  ])('%s=%s is refused with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  test('the largest record an import accepts: 4 MiB unless raised', () => {
    expect(importerOptionsOf(loadConfig({})).maxRecordChars).toBe(4 * 1024 * 1024);
    expect(importerOptionsOf(loadConfig({ IMPORT_MAX_RECORD_MB: '64' })).maxRecordChars).toBe(64 * 1024 * 1024);
  });

  test('sizes accept units', () => {
    expect(loadConfig({ MAX_INLINE_IMPORT_BYTES: '2mb' }).maxInlineImportBytes).toBe(2 * 1024 * 1024);
  });
});
