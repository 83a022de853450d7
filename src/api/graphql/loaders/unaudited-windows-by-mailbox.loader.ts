import type { Services } from '../../services';
import { batchLoader } from './by-key';

/** All windows of each mailbox; callers narrow them to their [from, to]. */
export const createUnauditedWindowsByMailboxLoader = (s: Services) => batchLoader((ids) => s.mailboxes.unauditedWindowsByMailboxIds(ids));
