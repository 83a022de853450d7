import DataLoader from 'dataloader';
import type { Services } from '../services';
import type { FolderType } from '../types/entities.type';
import type { ExposureQuery } from '../types/views.type';

type FolderLoader = DataLoader<string, FolderType | null>;

const keyOf = (q: ExposureQuery) => JSON.stringify(q);

/**
 * An exposure's parts, loaded only when selected and at most once per request for the same question (a request
 * holds one or a few exposures; the SQL cannot be shared between different questions).
 */
export function createExposureByQueryLoaders(s: Services, folders: FolderLoader) {
  const seen = (folder: FolderType) => folders.prime(folder.id, folder);
  const totals = new DataLoader((qs: readonly ExposureQuery[]) => Promise.all(qs.map((q) => s.exposure.totals(q))), { cacheKeyFn: keyOf });
  const boundMessages = new DataLoader(
    (reqs: readonly { query: ExposureQuery; first: number; after: string | null }[]) =>
      Promise.all(
        reqs.map((r) =>
          s.exposure.boundMessages(r.query, r.first, r.after, () => totals.load(r.query).then((t) => t.boundMessageCount)).catch((e: Error) => e),
        ),
      ),
    { cacheKeyFn: (r) => `${keyOf(r.query)}|${r.first}|${r.after ?? ''}` },
  );
  const syncedFolders = new DataLoader((qs: readonly ExposureQuery[]) => Promise.all(qs.map((q) => s.exposure.syncedFolders(q, seen))), {
    cacheKeyFn: keyOf,
  });
  return { totals, boundMessages, syncedFolders };
}
