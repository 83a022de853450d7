import type { Services } from '../../services';
import { batchLoader } from './by-key';

/** AuditRecord.raw: the original AuditData, fetched only for the records whose raw a client selected. */
export const createRawByRecordLoader = (s: Services) => batchLoader((ids) => s.auditRecords.rawByIds(ids));
