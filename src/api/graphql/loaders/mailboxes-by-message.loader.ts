import type { Services } from '../../services';
import { batchLoader } from './by-key';

/** Keyed by canonical InternetMessageId. */
export const createMailboxesByMessageLoader = (s: Services) => batchLoader((ids) => s.mailboxes.byInternetMessageIds(ids));
