import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createMailboxesBySessionLoader = (s: Services) => batchLoader((ids) => s.mailboxes.bySessionIds(ids));
