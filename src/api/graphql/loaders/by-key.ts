/** Small helpers shared by the loader factories. */
import DataLoader from 'dataloader';
import { rangeKey, type TimeRange } from '../../services/time-range';

const resolved = Promise.resolve();

/**
 * DataLoader's own schedule (after the pending promise jobs, on the next tick), one tick later: the pages of the same
 * round (paged.ts, on the default schedule), usually the longest statements of a response, are sent first, and these
 * small lookups right after them. A batch only waits longer, so it can only gather more keys, never fewer.
 */
function afterPages(dispatch: () => void): void {
  void resolved.then(() => process.nextTick(() => process.nextTick(dispatch)));
}

/** A DataLoader over string keys whose batch function answers in key order. */
export function batchLoader<V>(batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
  return new DataLoader<string, V>(batch, { batchScheduleFn: afterPages });
}

/**
 * Loaders whose SQL depends on field arguments (a from/to window): one loader per distinct window in the request,
 * so siblings asking the same window still share one statement.
 */
export function perRange<L>(make: (range: TimeRange) => L): (range: TimeRange) => L {
  const made = new Map<string, L>();
  return (range) => {
    const key = rangeKey(range);
    let loader = made.get(key);
    if (!loader) {
      loader = make(range);
      made.set(key, loader);
    }
    return loader;
  };
}
