import type { ImportBatch } from '../../model/import-batch.entity';
import { ImportFormatEnum, ImportStatusEnum, type ImportBatchType } from '../types/entities.type';

/** The GraphQL/JSON view of a batch (sha256 and format are empty/AUTO until the file was read). */
export function batchView(batch: ImportBatch): ImportBatchType {
  return {
    id: String(batch.id),
    fileName: batch.fileName,
    sha256: batch.sha256 ?? '',
    format: (batch.format as ImportFormatEnum | null) ?? ImportFormatEnum.AUTO,
    status: batch.status as ImportStatusEnum,
    startedAt: batch.startedAt,
    finishedAt: batch.finishedAt,
    recordsRead: batch.recordsRead,
    recordsInserted: batch.recordsInserted,
    duplicates: batch.duplicates,
    rejected: batch.rejected,
    warnings: batch.warnings,
    error: batch.error,
  };
}
