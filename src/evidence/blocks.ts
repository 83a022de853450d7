/**
 * Verbatim evidence, compressed: the original text of each record (its AuditData, or the row it came as) is kept
 * byte-exact in blocks of RECORDS_PER_BLOCK records, brotli-compressed together (one record alone compresses
 * poorly; neighbours share keys and values). Each record points at its block, offset and length, and carries the
 * SHA-256 of its bytes so `mailtrail verify` can prove nothing changed.
 */
import crypto from 'node:crypto';
import zlib from 'node:zlib';

export const RECORDS_PER_BLOCK = 64;
/** Quality 3: ~5× smaller than the text at >100k records/s on one core (issue 13's measurements). */
const QUALITY = 3;

export interface EvidenceBlock {
  /** The id of the block's first record: record ids are unique, so block ids need no sequence of their own. */
  id: string;
  recordCount: number;
  data: Buffer;
}

export interface EvidenceRef {
  blockId: string;
  offset: number;
  length: number;
  sha256: Buffer;
}

export const sha256 = (bytes: Buffer): Buffer => crypto.createHash('sha256').update(bytes).digest();

/** Packs texts (with their record ids) into blocks; returns the blocks and each text's reference, in order. */
export function packEvidence(texts: readonly string[], recordIds: readonly string[]): { blocks: EvidenceBlock[]; refs: EvidenceRef[] } {
  const blocks: EvidenceBlock[] = [];
  const refs: EvidenceRef[] = [];
  for (let start = 0; start < texts.length; start += RECORDS_PER_BLOCK) {
    const end = Math.min(start + RECORDS_PER_BLOCK, texts.length);
    const parts: Buffer[] = [];
    let offset = 0;
    for (let i = start; i < end; i++) {
      const bytes = Buffer.from(texts[i], 'utf8');
      parts.push(bytes);
      refs.push({ blockId: recordIds[start], offset, length: bytes.length, sha256: sha256(bytes) });
      offset += bytes.length;
    }
    const plain = Buffer.concat(parts, offset);
    const data = zlib.brotliCompressSync(plain, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: QUALITY,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
      },
    });
    blocks.push({ id: recordIds[start], recordCount: end - start, data });
  }
  return { blocks, refs };
}

/** The uncompressed bytes of a block. */
export function unpackBlock(data: Buffer): Buffer {
  return zlib.brotliDecompressSync(data);
}

/** One record's bytes out of its uncompressed block. */
export function recordBytes(block: Buffer, offset: number, length: number): Buffer {
  return block.subarray(offset, offset + length);
}
