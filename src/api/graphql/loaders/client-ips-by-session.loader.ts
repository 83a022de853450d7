import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createClientIpsBySessionLoader = (s: Services) => batchLoader((ids) => s.clientIps.bySessionIds(ids));
