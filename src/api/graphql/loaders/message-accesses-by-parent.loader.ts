import type { DataSource } from 'typeorm';
import type { Services } from '../../services';
import type { AccessParent } from '../../services/message.service';
import { NO_RANGE } from '../../services/time-range';
import type { RelatedRows } from '../../services/rows';
import { batchLoader, perRange } from './by-key';
import { createPagedChildLoader } from './paged';

/** Paged accesses of a session / mailbox (per window) / folder / InternetMessageId; the folder comes along. */
export function createMessageAccessesByParentLoaders(db: DataSource, s: Services, related: RelatedRows) {
  const paged = (parent: AccessParent | 'message') => createPagedChildLoader(db, s.messages.accessesOf(parent, NO_RANGE, related));
  return {
    bySession: paged('session'),
    byFolder: paged('folder'),
    byMessage: paged('message'),
    byMailbox: perRange((range) => createPagedChildLoader(db, s.messages.accessesOf('mailbox', range, related))),
    /** AuditRecord.messageAccesses is a plain list: a record lists a handful of items. */
    byRecord: batchLoader((ids) => s.messages.accessesByRecordIds(ids, related)),
  };
}
