import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createMailboxesByAppLoader = (s: Services) => batchLoader((ids) => s.apps.mailboxesByAppIds(ids));
