/**
 * The registry of export formats. To add one: write its descriptor (format.ts says what it answers) in a file of
 * this folder, list it below, and add fixtures and tests; the enums and messages follow.
 */
import type { ExportFormat, JsonHead } from './format';
import { GRAPH_AUDIT_LOG } from './graph-audit-log';
import { EDISCOVERY_ITEMS_CSV } from './ediscovery-items-csv';
import { MAILBOX_AUDIT_LOG_CSV } from './mailbox-audit-log-csv';
import { MANAGEMENT_API_JSON } from './management-api-json';
import { MESSAGE_TRACE_CSV, MESSAGE_TRACE_V2_CSV } from './message-trace-csv';
import { MESSAGE_TRACE_HISTORICAL_CSV } from './message-trace-historical-csv';
import { NDJSON } from './ndjson';
import { PURVIEW_CLASSIC_CSV } from './purview-classic-csv';
import { PURVIEW_CSV } from './purview-csv';
import { UNIFIED_AUDIT_LOG_CSV } from './unified-audit-log-csv';
import { UNIFIED_AUDIT_LOG_JSON } from './unified-audit-log-json';

export type { CsvColumns, DetailColumns, DetailSource, ExportFormat, JsonHead } from './format';

/** Every format, in the order users see them listed. */
export const FORMATS = [
  PURVIEW_CSV,
  PURVIEW_CLASSIC_CSV,
  UNIFIED_AUDIT_LOG_CSV,
  UNIFIED_AUDIT_LOG_JSON,
  MANAGEMENT_API_JSON,
  NDJSON,
  GRAPH_AUDIT_LOG,
  MAILBOX_AUDIT_LOG_CSV,
  MESSAGE_TRACE_CSV,
  MESSAGE_TRACE_V2_CSV,
  MESSAGE_TRACE_HISTORICAL_CSV,
  EDISCOVERY_ITEMS_CSV,
] as const;

/** Export shapes we recognise (AUTO is resolved before reading). */
export type ImportFormat = (typeof FORMATS)[number]['id'];

export const IMPORT_FORMATS: readonly ImportFormat[] = FORMATS.map((f) => f.id);

export function formatById(id: ImportFormat): ExportFormat<ImportFormat> {
  return FORMATS.find((f) => f.id === id)!;
}

export const EXPECTED_SHAPES = `Expected one of: ${FORMATS.map((f) => f.expected).join('; ')}.`;

/** The one format whose descriptor claims what was found; null when none does. */
function single(label: string, claims: ExportFormat<ImportFormat>[]): ImportFormat | null {
  if (claims.length > 1) throw new Error(`Formats overlap on ${label}: ${claims.map((f) => f.id).join(', ')}`);
  return claims[0]?.id ?? null;
}

/** The format of a CSV export from its header's trimmed, lower-cased column names. */
export function formatOfCsvHeader(columns: ReadonlySet<string>): ImportFormat | null {
  return single('a CSV header', FORMATS.filter((f) => f.isCsvHeader?.(columns)));
}

export function formatOfJsonHead(head: JsonHead): ImportFormat | null {
  return single('a JSON head', FORMATS.filter((f) => f.isJsonHead?.(head)));
}
