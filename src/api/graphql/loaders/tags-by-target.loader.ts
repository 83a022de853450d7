import type { Services } from '../../services';
import { batchLoader } from './by-key';

/** Keys are `KIND:key` (TagTargetKind and the target's natural key): every kind of target in one statement. */
export const createTagsByTargetLoader = (s: Services) => batchLoader((keys) => s.tags.byTargets(keys));
