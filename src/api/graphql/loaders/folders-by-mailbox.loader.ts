import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createFoldersByMailboxLoader = (s: Services) => batchLoader((ids) => s.mailboxes.foldersByMailboxIds(ids));
