import type { Services } from '../../services';
import { NO_RANGE } from '../../services/time-range';
import type { RelatedRows } from '../../services/rows';
import { batchLoader, perRange } from './by-key';

/** Folder syncs (plain lists: a session syncs a mailbox's folders a few times) of a session, record, folder or mailbox. */
export function createFolderSyncsByParentLoaders(s: Services, related: RelatedRows) {
  return {
    bySession: batchLoader((ids) => s.messages.syncsBy('session', ids, NO_RANGE, related)),
    byRecord: batchLoader((ids) => s.messages.syncsBy('record', ids, NO_RANGE, related)),
    byFolder: batchLoader((ids) => s.messages.syncsBy('folder', ids, NO_RANGE, related)),
    byMailbox: perRange((range) => batchLoader((ids) => s.messages.syncsBy('mailbox', ids, range, related))),
  };
}
