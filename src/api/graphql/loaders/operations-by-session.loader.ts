import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createOperationsBySessionLoader = (s: Services) => batchLoader((ids) => s.sessions.operationsBySessionIds(ids));
