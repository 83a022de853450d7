import type { Services } from '../../services';
import { batchLoader } from './by-key';

/** Folders; the access and sync loaders prime it with the folder they joined in. */
export const createFolderByIdLoader = (s: Services) => batchLoader((ids) => s.mailboxes.foldersByIds(ids));
