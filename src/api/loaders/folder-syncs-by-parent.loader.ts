import type DataLoader from 'dataloader';
import type { Services } from '../services';
import { NO_RANGE } from '../services/time-range';
import type { FolderType } from '../types/entities.type';
import { batchLoader, perRange } from './by-key';

type FolderLoader = DataLoader<string, FolderType | null>;

/** Folder syncs (plain lists: a session syncs a mailbox's folders a few times) of a session, record, folder or mailbox. */
export function createFolderSyncsByParentLoaders(s: Services, folders: FolderLoader) {
  const seen = (folder: FolderType) => folders.prime(folder.id, folder);
  return {
    bySession: batchLoader((ids) => s.messages.syncsBy('session', ids, NO_RANGE, seen)),
    byRecord: batchLoader((ids) => s.messages.syncsBy('record', ids, NO_RANGE, seen)),
    byFolder: batchLoader((ids) => s.messages.syncsBy('folder', ids, NO_RANGE, seen)),
    byMailbox: perRange((range) => batchLoader((ids) => s.messages.syncsBy('mailbox', ids, range, seen))),
  };
}
