import type { Services } from '../../services';
import { batchLoader, perRange } from './by-key';

/** Covered spans of each mailbox (all of them; exposures narrow them to their window). */
export const createCoverageByMailboxLoader = (s: Services) => batchLoader((ids) => s.coverage.spansByMailboxIds(ids));

/** Records per day of each mailbox, one loader per window asked. */
export const createRecordsPerDayByMailboxLoader = (s: Services) =>
  perRange((range) => batchLoader((ids) => s.coverage.recordsPerDayByMailboxIds(ids, range)));
