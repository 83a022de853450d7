import type { Services } from '../../services';
import { batchLoader } from './by-key';

/** userIds, clientInfoStrings, appIds and bindOperationCount of each session: one pass over its records. */
export const createRecordFacetsBySessionLoader = (s: Services) => batchLoader((ids) => s.sessions.recordFacetsBySessionIds(ids));
