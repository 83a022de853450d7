import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createAppsByMailboxLoader = (s: Services) => batchLoader((ids) => s.apps.byMailboxIds(ids));
