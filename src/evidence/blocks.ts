/**
 * Verbatim evidence, compressed: the original text of each record (its AuditData, or the row it came as) is kept
 * byte-exact in blocks of RECORDS_PER_BLOCK records, brotli-compressed together (one record alone compresses
 * poorly; neighbours share keys and values). Each record points at its block, offset and length, and carries the
 * SHA-256 of its bytes so `mailtrail verify` can prove nothing changed.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';
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

const brotliOptions = (size: number): zlib.BrotliOptions => ({
  params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: QUALITY,
    [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size,
  },
});

/** Splits texts into blocks of RECORDS_PER_BLOCK: each block's plain bytes and each text's place in it. */
function layout(texts: readonly string[]): { plain: Buffer[]; refs: Omit<EvidenceRef, 'blockId'>[] } {
  const plain: Buffer[] = [];
  const refs: Omit<EvidenceRef, 'blockId'>[] = [];
  for (let start = 0; start < texts.length; start += RECORDS_PER_BLOCK) {
    const end = Math.min(start + RECORDS_PER_BLOCK, texts.length);
    const parts: Buffer[] = [];
    let offset = 0;
    for (let i = start; i < end; i++) {
      const bytes = Buffer.from(texts[i], 'utf8');
      parts.push(bytes);
      refs.push({ offset, length: bytes.length, sha256: sha256(bytes) });
      offset += bytes.length;
    }
    plain.push(Buffer.concat(parts, offset));
  }
  return { plain, refs };
}

/** Names each block after its first record's id. */
function named(datas: Buffer[], refs: Omit<EvidenceRef, 'blockId'>[], recordIds: readonly string[]): { blocks: EvidenceBlock[]; refs: EvidenceRef[] } {
  const blocks = datas.map((data, b) => {
    const start = b * RECORDS_PER_BLOCK;
    return { id: recordIds[start], recordCount: Math.min(RECORDS_PER_BLOCK, recordIds.length - start), data };
  });
  return { blocks, refs: refs.map((r, i) => ({ ...r, blockId: recordIds[i - (i % RECORDS_PER_BLOCK)] })) };
}

/** Packs texts (with their record ids) into blocks; returns the blocks and each text's reference, in order. */
export function packEvidence(texts: readonly string[], recordIds: readonly string[]): { blocks: EvidenceBlock[]; refs: EvidenceRef[] } {
  const { plain, refs } = layout(texts);
  return named(plain.map((p) => zlib.brotliCompressSync(p, brotliOptions(p.length))), refs, recordIds);
}

const brotliCompress = promisify(zlib.brotliCompress);

/**
 * packEvidence in two steps, the compression off the main thread (libuv's thread pool, blocks in parallel): start it
 * before the record ids are known, so it overlaps the loader's round trips, then name the blocks.
 */
export function packEvidenceLater(texts: readonly string[]): Promise<(recordIds: readonly string[]) => { blocks: EvidenceBlock[]; refs: EvidenceRef[] }> {
  const { plain, refs } = layout(texts);
  const compressed = Promise.all(plain.map((p) => brotliCompress(p, brotliOptions(p.length))));
  return compressed.then((datas) => (recordIds: readonly string[]) => named(datas, refs, recordIds));
}

/** The uncompressed bytes of a block. */
export function unpackBlock(data: Buffer): Buffer {
  return zlib.brotliDecompressSync(data);
}

/** One record's bytes out of its uncompressed block. */
export function recordBytes(block: Buffer, offset: number, length: number): Buffer {
  return block.subarray(offset, offset + length);
}
