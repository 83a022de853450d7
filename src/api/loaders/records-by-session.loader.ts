import type { DataSource } from 'typeorm';
import type { Services } from '../services';
import { createPagedChildLoader } from './paged';

export const createRecordsBySessionLoader = (db: DataSource, s: Services) => createPagedChildLoader(db, s.auditRecords.recordsOfSessionSpec());
