import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createBoundMessageCountBySessionLoader = (s: Services) => batchLoader((ids) => s.sessions.boundMessageCountBySessionIds(ids));
