import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createImportBatchByIdLoader = (s: Services, orgId: number) => batchLoader((ids) => s.importBatches.byIds(orgId, ids));
