import DataLoader from 'dataloader';
import type { Services } from '../../services';
import type { RelatedRows } from '../../services/rows';
import type { ExposureQuery } from '../types/views.type';

const keyOf = (q: ExposureQuery) => JSON.stringify(q);

/**
 * An exposure's parts, loaded only when selected and at most once per request for the same question (a request
 * holds one or a few exposures; the SQL cannot be shared between different questions).
 */
export function createExposureByQueryLoaders(s: Services, related: RelatedRows) {
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
  const syncedFolders = new DataLoader((qs: readonly ExposureQuery[]) => Promise.all(qs.map((q) => s.exposure.syncedFolders(q, related))), {
    cacheKeyFn: keyOf,
  });
  const unknownFilterValues = new DataLoader((qs: readonly ExposureQuery[]) => Promise.all(qs.map((q) => s.exposure.unknownFilterValues(q))), {
    cacheKeyFn: keyOf,
  });
  const presumedCounts = new DataLoader((qs: readonly ExposureQuery[]) => Promise.all(qs.map((q) => s.presumed.counts(q))), { cacheKeyFn: keyOf });
  const presumedMessages = new DataLoader(
    (reqs: readonly { query: ExposureQuery; first: number; after: string | null }[]) =>
      Promise.all(
        reqs.map((r) => s.presumed.page(r.query, r.first, r.after, () => presumedCounts.load(r.query).then((c) => c.rows)).catch((e: Error) => e)),
      ),
    { cacheKeyFn: (r) => `${keyOf(r.query)}|${r.first}|${r.after ?? ''}` },
  );
    const excluded = new DataLoader((qs: readonly ExposureQuery[]) => Promise.all(qs.map((q) => s.exposure.excluded(q))), { cacheKeyFn: keyOf });
  return { totals, boundMessages, syncedFolders, unknownFilterValues, presumedCounts, presumedMessages, excluded };
}
