import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createAppsBySessionLoader = (s: Services) => batchLoader((ids) => s.apps.bySessionIds(ids));
