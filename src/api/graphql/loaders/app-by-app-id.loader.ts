import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createAppByAppIdLoader = (s: Services) => batchLoader((appIds) => s.apps.byAppIds(appIds));
