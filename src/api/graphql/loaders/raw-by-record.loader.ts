import type { Services } from '../../services';
import { batchLoader } from './by-key';

/** AuditRecord.raw / rawText: the original text, fetched only for the records whose raw a client selected. */
export const createRawByRecordLoader = (s: Services) => batchLoader((ids) => s.auditRecords.originalsByIds(ids));
