import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createSessionByIdLoader = (s: Services) => batchLoader((ids) => s.sessions.byIds(ids));
