import type { Services } from '../services';
import { batchLoader } from './by-key';

export const createImportBatchByIdLoader = (s: Services) => batchLoader((ids) => s.auditRecords.importBatchesByIds(ids));
