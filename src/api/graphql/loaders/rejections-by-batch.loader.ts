import type { DataSource } from 'typeorm';
import type { Services } from '../../services';
import { createPagedChildLoader } from './paged';

export const createRejectionsByBatchLoader = (db: DataSource, s: Services, orgId: number) => createPagedChildLoader(db, s.importBatches.rejections(orgId));
