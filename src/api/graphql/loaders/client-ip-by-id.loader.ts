import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createClientIpByIdLoader = (s: Services) => batchLoader((ids) => s.clientIps.byIds(ids));
