import type { DataSource } from 'typeorm';
import type { ImportRejectionType } from '../types/entities.type';
import { createPagedChildLoader } from './paged';

export function createRejectionsByBatchLoader(dataSource: DataSource, orgId: number) {
  return createPagedChildLoader<ImportRejectionType>(dataSource, {
    from: 'import_rejection',
    parentColumn: 'batch_id',
    sortColumn: 'id',
    select: 't.id, t.line, t.reason, t.excerpt',
    where: 't.org_id = $4',
    params: [orgId],
    toNode: (row) => ({ id: String(row.id), line: Number(row.line), reason: String(row.reason), excerpt: String(row.excerpt) }),
    keyOf: (node) => [node.id, node.id],
  });
}
