import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createMailboxesByClientIpLoader = (s: Services) => batchLoader((ids) => s.mailboxes.byClientIpIds(ids));
