import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createMailboxByIdLoader = (s: Services) => batchLoader((ids) => s.mailboxes.byIds(ids));
