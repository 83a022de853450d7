import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createBoundMessageCountByAppLoader = (s: Services) => batchLoader((appIds) => s.apps.boundMessageCountByAppKeys(appIds));
