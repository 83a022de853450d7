import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createAuditRecordByIdLoader = (s: Services) => batchLoader((ids) => s.auditRecords.byIds(ids));
