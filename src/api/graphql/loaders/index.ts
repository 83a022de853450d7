import type { DataSource } from 'typeorm';
import type { Services } from '../../services';
import type { RelatedRows } from '../../services/rows';
import type { FolderType } from '../types/entities.type';
import { createAppByAppIdLoader } from './app-by-app-id.loader';
import { createAppByIdLoader } from './app-by-id.loader';
import { createAppsByMailboxLoader } from './apps-by-mailbox.loader';
import { createAppsBySessionLoader } from './apps-by-session.loader';
import { createBoundMessageCountByAppLoader } from './bound-message-count-by-app.loader';
import { createMailboxesByAppLoader } from './mailboxes-by-app.loader';
import { createAuditRecordByIdLoader } from './audit-record-by-id.loader';
import { createRawByRecordLoader } from './raw-by-record.loader';
import { createBoundMessageCountBySessionLoader } from './bound-message-count-by-session.loader';
import { createClientIpByIdLoader } from './client-ip-by-id.loader';
import { createClientIpsBySessionLoader } from './client-ips-by-session.loader';
import { createCoverageByMailboxLoader, createRecordsPerDayByMailboxLoader } from './coverage-by-mailbox.loader';
import { createExposureByQueryLoaders } from './exposure-by-query.loader';
import { createFolderByIdLoader } from './folder-by-id.loader';
import { createFolderSyncsByParentLoaders } from './folder-syncs-by-parent.loader';
import { createFoldersByMailboxLoader } from './folders-by-mailbox.loader';
import { createImportBatchByIdLoader } from './import-batch-by-id.loader';
import { createMailboxByIdLoader } from './mailbox-by-id.loader';
import { createMailboxesByClientIpLoader } from './mailboxes-by-client-ip.loader';
import { createMailboxesByMessageLoader } from './mailboxes-by-message.loader';
import { createDetailsByMessageLoader } from './details-by-message.loader';
import { createMailboxesBySessionLoader } from './mailboxes-by-session.loader';
import { createMessageAccessesByParentLoaders } from './message-accesses-by-parent.loader';
import { createExposuresByMessageLoader } from './exposures-by-message.loader';
import { createOperationsBySessionLoader } from './operations-by-session.loader';
import { createRecordFacetsBySessionLoader } from './record-facets-by-session.loader';
import { createRecordsBySessionLoader } from './records-by-session.loader';
import { createRejectionsByBatchLoader } from './rejections-by-batch.loader';
import { createSessionByIdLoader } from './session-by-id.loader';
import { createSessionsByClientIpLoader, createSessionsByMailboxLoader } from './sessions-by-link.loader';
import { createTagsByTargetLoader } from './tags-by-target.loader';
import { createUnauditedWindowsByMailboxLoader } from './unaudited-windows-by-mailbox.loader';

/**
 * Per-request DataLoaders, one small factory per relation (`<thing>-by-<key>.loader.ts`). A new set is made for
 * every request so nothing is cached across requests or organisations. Every field below the root that reads the
 * database goes through one of these, so a response costs one statement per kind of field, not per row.
 */
export function createLoaders(dataSource: DataSource, s: Services, orgId: number) {
  const folderById = createFolderByIdLoader(s);
  const clientIpById = createClientIpByIdLoader(s);
  // Rows that come joined to an access, a sync or a record are primed here, so asking for them costs nothing.
  // A page of 500 accesses names a handful of folders and IPs: each is built (and enriched) once per request.
  const primed = { folder: new Map<string, FolderType>(), clientIp: new Set<string>() };
  const related: RelatedRows = {
    folder: (folder) => {
      primed.folder.set(folder.id, folder);
      folderById.prime(folder.id, folder);
    },
    clientIp: (clientIp) => {
      primed.clientIp.add(clientIp.id);
      clientIpById.prime(clientIp.id, clientIp);
    },
    has: (kind, id) => primed[kind].has(id),
    knownFolder: (id) => primed.folder.get(id),
  };
  return {
    rejectionsByBatch: createRejectionsByBatchLoader(dataSource, s, orgId),
    importBatchById: createImportBatchByIdLoader(s, orgId),

    mailboxById: createMailboxByIdLoader(s),
    sessionById: createSessionByIdLoader(s),
    clientIpById,
    folderById,
    auditRecordById: createAuditRecordByIdLoader(s),
    rawByRecord: createRawByRecordLoader(s),

    mailboxesBySession: createMailboxesBySessionLoader(s),
    clientIpsBySession: createClientIpsBySessionLoader(s),
    operationsBySession: createOperationsBySessionLoader(s),
    recordFacetsBySession: createRecordFacetsBySessionLoader(s),
    boundMessageCountBySession: createBoundMessageCountBySessionLoader(s),
    recordsBySession: createRecordsBySessionLoader(dataSource, s, related),

    sessionsByClientIp: createSessionsByClientIpLoader(dataSource, s),
    mailboxesByClientIp: createMailboxesByClientIpLoader(s),

    sessionsByMailbox: createSessionsByMailboxLoader(dataSource, s),
    foldersByMailbox: createFoldersByMailboxLoader(s),
    unauditedWindowsByMailbox: createUnauditedWindowsByMailboxLoader(s),
    coverageByMailbox: createCoverageByMailboxLoader(s),
    recordsPerDayByMailbox: createRecordsPerDayByMailboxLoader(s),

    mailboxesByMessage: createMailboxesByMessageLoader(s),
    detailsByMessage: createDetailsByMessageLoader(s),
    exposuresByMessage: createExposuresByMessageLoader(s),

    appByAppId: createAppByAppIdLoader(s),
    appById: createAppByIdLoader(s),
    appsByMailbox: createAppsByMailboxLoader(s),
    appsBySession: createAppsBySessionLoader(s),
    mailboxesByApp: createMailboxesByAppLoader(s),
    boundMessageCountByApp: createBoundMessageCountByAppLoader(s),

    tagsByTarget: createTagsByTargetLoader(s),

    messageAccesses: createMessageAccessesByParentLoaders(dataSource, s, related),
    folderSyncs: createFolderSyncsByParentLoaders(s, related),
    exposure: createExposureByQueryLoaders(s, related),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
