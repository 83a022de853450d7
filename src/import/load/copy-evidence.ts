/**
 * Evidence blocks go in by COPY in PostgreSQL's binary format: the compressed bytes as they are, where the text format
 * doubles them into hex that Node writes and PostgreSQL decodes again (43 MB of blocks per 200,000 records).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EvidenceBlock } from '../../evidence/blocks';

/** The binary COPY signature, flags (no OIDs) and header extension length (PostgreSQL's COPY documentation). */
const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
const TRAILER = Buffer.from([0xff, 0xff]);

/** One tuple: id bigint, org_id integer, record_count integer, then the data's length and bytes. */
function tupleHead(block: EvidenceBlock, orgId: number): Buffer {
  const head = Buffer.alloc(2 + 4 + 8 + 4 + 4 + 4 + 4 + 4);
  let at = head.writeInt16BE(4, 0);
  at = head.writeInt32BE(8, at);
  head.writeBigInt64BE(BigInt(block.id), at);
  at += 8;
  at = head.writeInt32BE(4, at);
  at = head.writeInt32BE(orgId, at);
  at = head.writeInt32BE(4, at);
  at = head.writeInt32BE(block.recordCount, at);
  head.writeInt32BE(block.data.length, at);
  return head;
}

export async function copyEvidenceBlocks(client: PoolClient, orgId: number, blocks: readonly EvidenceBlock[]): Promise<void> {
  if (blocks.length === 0) return;
  const parts: Buffer[] = [HEADER];
  for (const block of blocks) parts.push(tupleHead(block, orgId), block.data);
  parts.push(TRAILER);
  await pipeline(Readable.from(parts), client.query(copyFrom('COPY evidence_block (id, org_id, record_count, data) FROM STDIN (FORMAT binary)')));
}
