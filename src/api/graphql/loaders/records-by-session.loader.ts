import type { DataSource } from 'typeorm';
import type { Services } from '../../services';
import type { RelatedRows } from '../../services/rows';
import { createPagedChildLoader } from './paged';

export const createRecordsBySessionLoader = (db: DataSource, s: Services, related: RelatedRows) => createPagedChildLoader(db, s.auditRecords.recordsOfSession(related));
