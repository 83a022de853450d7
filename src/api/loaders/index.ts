import type { DataSource } from 'typeorm';
import { createRejectionsByBatchLoader } from './rejections-by-batch.loader';

/**
 * Per-request DataLoaders, one small factory per relation (`<thing>-by-<key>.loader.ts`). A new set is made for
 * every request so nothing is cached across requests or organisations.
 */
export function createLoaders(dataSource: DataSource, orgId: number) {
  return {
    rejectionsByBatch: createRejectionsByBatchLoader(dataSource, orgId),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
