import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createAppByIdLoader = (s: Services) => batchLoader((ids) => s.apps.byIds(ids));
