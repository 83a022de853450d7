/**
 * `mailtrail verify`: re-reads every record's original text (out of its evidence block, or the jsonb text of a
 * record moved from the former jsonb column) and re-hashes it against the SHA-256 stored at import. Streams block
 * by block, so memory stays flat whatever the database holds.
 */
import type { DataSource } from 'typeorm';
import { recordBytes, sha256, unpackBlock } from './blocks';

export interface VerifyMismatch {
  id: string;
  recordKey: string;
  orgId: number;
  reason: string;
}

export interface VerifyReport {
  records: number;
  /** Stored byte-exact and re-hashed equal. */
  exact: number;
  /** Moved from the former jsonb column: only the jsonb text can be checked, not the original bytes. */
  notExact: number;
  /**
   * Stored and re-hashed equal, but the stored text is a serialisation made at import, not the bytes as read (a
   * Search-MailboxAuditLog row, an AuditData object whose source text could not be located).
   */
  serialized: number;
  /** Rows of message-detail exports (message trace, eDiscovery) re-hashed equal to their text as read. */
  details: number;
  mismatches: VerifyMismatch[];
}

const BLOCKS_PER_PAGE = 200;
const JSONB_RECORDS_PER_PAGE = 1000;
/** Enough to show what is wrong; the count stays exact. */
const MAX_LISTED = 100;

interface RecordRow {
  id: string;
  record_key: string;
  org_id: number;
  block: string | null;
  start: number | null;
  size: number | null;
  raw_sha256: Buffer;
  raw_exact: boolean;
  detail?: boolean;
}

export async function verifyEvidence(db: DataSource): Promise<VerifyReport & { mismatchCount: number }> {
  const report = { records: 0, exact: 0, notExact: 0, serialized: 0, details: 0, mismatches: [] as VerifyMismatch[], mismatchCount: 0 };
  const mismatch = (r: RecordRow, reason: string) => {
    report.mismatchCount += 1;
    if (report.mismatches.length < MAX_LISTED) report.mismatches.push({ id: r.id, recordKey: r.record_key, orgId: r.org_id, reason });
  };
  const columns = 'r.id::text, r.record_key, r.org_id, r.raw_block_id::text AS block, r.raw_offset AS start, r.raw_length AS size, r.raw_sha256, r.raw_exact';
  // Message-detail rows share the evidence blocks (their block ids come from the audit record sequence).
  const detailColumns =
    "id::text, 'message_detail:' || encode(row_key, 'hex') AS record_key, org_id, raw_block_id::text AS block, raw_offset AS start, raw_length AS size, raw_sha256, true AS raw_exact, true AS detail";

  for (let after = '0'; ; ) {
    const blocks: { id: string; data: Buffer }[] = await db.query(
      'SELECT id::text, data FROM evidence_block WHERE id > $1::bigint ORDER BY id LIMIT $2',
      [after, BLOCKS_PER_PAGE],
    );
    if (blocks.length === 0) break;
    after = blocks[blocks.length - 1].id;
    const blockIds = blocks.map((b) => b.id);
    const records: RecordRow[] = [
      ...((await db.query(`SELECT ${columns} FROM audit_record r WHERE r.raw_block_id = ANY($1::bigint[])`, [blockIds])) as RecordRow[]),
      ...((await db.query(`SELECT ${detailColumns} FROM message_detail WHERE raw_block_id = ANY($1::bigint[])`, [blockIds])) as RecordRow[]),
    ];
    const plain = new Map<string, Buffer | null>();
    for (const b of blocks) {
      try {
        plain.set(b.id, unpackBlock(b.data));
      } catch {
        plain.set(b.id, null);
      }
    }
    for (const r of records) {
      if (r.detail) report.details += 1;
      else report.records += 1;
      const block = plain.get(r.block!);
      if (!block) mismatch(r, `evidence block ${r.block} cannot be decompressed`);
      else if (r.start! + r.size! > block.length) mismatch(r, `evidence block ${r.block} is shorter than the record's bytes`);
      else if (!sha256(recordBytes(block, r.start!, r.size!)).equals(r.raw_sha256)) mismatch(r, 'SHA-256 of the stored bytes differs from the one taken at import');
      else if (r.detail) continue;
      else if (r.raw_exact) report.exact += 1;
      else report.serialized += 1;
    }
  }

  const orphans: RecordRow[] = await db.query(
    `SELECT ${columns} FROM audit_record r WHERE raw_block_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM evidence_block b WHERE b.id = r.raw_block_id)`,
  );
  const detailOrphans: RecordRow[] = await db.query(
    `SELECT ${detailColumns} FROM message_detail r WHERE NOT EXISTS (SELECT 1 FROM evidence_block b WHERE b.id = r.raw_block_id)`,
  );
  for (const r of [...orphans, ...detailOrphans]) {
    if (r.detail) report.details += 1;
    else report.records += 1;
    mismatch(r, `evidence block ${r.block} is missing`);
  }

  for (let after = '0'; ; ) {
    const records: (RecordRow & { text: string | null })[] = await db.query(
      `SELECT ${columns}, r.raw::text AS text FROM audit_record r WHERE r.raw_block_id IS NULL AND r.id > $1::bigint ORDER BY r.id LIMIT $2`,
      [after, JSONB_RECORDS_PER_PAGE],
    );
    if (records.length === 0) break;
    after = records[records.length - 1].id;
    for (const r of records) {
      report.records += 1;
      if (r.text === null) mismatch(r, 'no original text: neither an evidence block nor a jsonb copy');
      else if (!sha256(Buffer.from(r.text, 'utf8')).equals(r.raw_sha256)) mismatch(r, 'SHA-256 of the jsonb text differs from the one taken when it was moved');
      else report.notExact += 1;
    }
  }
  return report;
}

/** The report as the CLI prints it. */
export function describeVerify(report: VerifyReport & { mismatchCount: number }): string {
  const lines = [
    `${report.records} records checked: ${report.exact} byte-exact and unchanged (SHA-256 re-computed), ${report.mismatchCount} mismatches.`,
  ];
  if (report.details > 0) {
    lines.push(`${report.details} message-detail rows (message trace, eDiscovery) checked against the SHA-256 of their text as read.`);
  }
  if (report.serialized > 0) {
    lines.push(
      `${report.serialized} records are unchanged since import, but their stored text is a serialisation made at import (flat ` +
        'Search-MailboxAuditLog rows, or AuditData whose source text could not be located), not the bytes as read: those are in the ' +
        'files whose sha256 their import batches record.',
    );
  }
  if (report.notExact > 0) {
    lines.push(
      `${report.notExact} records were imported before evidence blocks and kept only as jsonb (keys reordered, duplicate keys dropped): ` +
        'their jsonb text is unchanged, but it is not the original bytes (those are in the files whose sha256 their import batches record).',
    );
  }
  for (const m of report.mismatches) lines.push(`MISMATCH record ${m.id} (org ${m.orgId}, key ${m.recordKey}): ${m.reason}`);
  if (report.mismatchCount > report.mismatches.length) lines.push(`... and ${report.mismatchCount - report.mismatches.length} more`);
  return lines.join('\n') + '\n';
}
