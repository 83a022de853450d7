import { ApiKeyStore, KEY_CACHE_SIZE } from '../../src/api/http/auth';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('the API-key cache is bounded', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());
  afterEach(() => jest.restoreAllMocks());

  test('a client sending ever new keys cannot grow it past its cap, and known keys keep working', async () => {
    const store = new ApiKeyStore(db.dataSource);
    const key = await store.create({ name: 'analyst', role: 'reader' });
    expect(await store.authenticate(key)).toMatchObject({ role: 'reader', name: 'analyst' });
    for (let i = 0; i < KEY_CACHE_SIZE + 150; i++) expect(await store.authenticate(`mt_guess_${i}`)).toBeNull();
    expect(store.cachedKeys).toBe(KEY_CACHE_SIZE);
    expect(await store.authenticate(key)).toMatchObject({ role: 'reader' });
  });

  test('an unknown key is remembered only briefly', async () => {
    const store = new ApiKeyStore(db.dataSource);
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    expect(await store.authenticate('mt_not_yet_created')).toBeNull();
    await store.create({ name: 'late', role: 'importer', key: 'mt_not_yet_created' });
    expect(await store.authenticate('mt_not_yet_created')).toBeNull();
    clock.mockReturnValue(now + 5_001);
    expect(await store.authenticate('mt_not_yet_created')).toMatchObject({ role: 'importer', name: 'late' });
  });
});
