/**
 * Verbatim evidence, compressed: the original text of each record (its AuditData, or the row it came as) is kept
 * byte-exact in blocks of RECORDS_PER_BLOCK records, brotli-compressed together (one record alone compresses
 * poorly; neighbours share keys and values). Each record points at its block, offset and length, and carries the
 * SHA-256 of its bytes so `mailtrail verify` can prove nothing changed.
 */
import crypto from 'node:crypto';
import zlib from 'node:zlib';

/**
 * 128 records at quality 5: 212-215 bytes per record at ~15 µs of one core, reading one record back 0.2 ms (generated
 * records); quality 4 was 225-228 bytes at 9 µs, 64 at quality 3 242 bytes at 7.4 µs. The import compresses in its
 * worker thread, which waits on the loader half of the time, so the extra CPU costs little wall time
 * (docs/PERFORMANCE.md, seventh session). Blocks written with other settings stay readable: each record points at its
 * own block, offset and length, and decompression needs no setting.
 */
export const RECORDS_PER_BLOCK = 128;
const QUALITY = 5;

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

/**
 * Blocks and references before record ids are known: block i holds texts [i * RECORDS_PER_BLOCK, ...). Plain
 * arrays and unshared bytes, because it is posted from a worker thread: a small Buffer is a view of an 8 KB pool,
 * and posting it copies the whole pool.
 */
export interface PackedTexts {
  blocks: { recordCount: number; data: Uint8Array }[];
  offsets: number[];
  lengths: number[];
  /** The texts' SHA-256 digests, 32 bytes each, one after the other. */
  sha256: Uint8Array;
  /**
   * The records these texts were packed from were posted without them (prepare.ts): the loader reads them back
   * (unpackTexts) only where it needs them.
   */
  textsOnlyHere?: boolean;
}

/**
 * Compresses texts into blocks and hashes each one. Needs no record ids, so the import's worker thread runs it
 * (prepare.ts) and the loader only names the blocks (withRecordIds).
 */
export function packTexts(texts: readonly string[]): PackedTexts {
  const packed: PackedTexts = { blocks: [], offsets: [], lengths: [], sha256: new Uint8Array(32 * texts.length) };
  for (let start = 0; start < texts.length; start += RECORDS_PER_BLOCK) {
    const end = Math.min(start + RECORDS_PER_BLOCK, texts.length);
    const parts: Buffer[] = [];
    let offset = 0;
    for (let i = start; i < end; i++) {
      const bytes = Buffer.from(texts[i], 'utf8');
      parts.push(bytes);
      packed.offsets.push(offset);
      packed.lengths.push(bytes.length);
      packed.sha256.set(sha256(bytes), 32 * i);
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
    packed.blocks.push({ recordCount: end - start, data: new Uint8Array(data) });
  }
  return packed;
}

/** The texts packTexts packed, in order, as they were given (a file's text decodes to valid UTF-16 only). */
export function unpackTexts(packed: PackedTexts): string[] {
  const texts: string[] = [];
  packed.blocks.forEach((block, b) => {
    const plain = zlib.brotliDecompressSync(block.data);
    for (let i = b * RECORDS_PER_BLOCK; i < b * RECORDS_PER_BLOCK + block.recordCount; i++) {
      texts.push(plain.toString('utf8', packed.offsets[i], packed.offsets[i] + packed.lengths[i]));
    }
  });
  return texts;
}

/** Names packed blocks after their first record's id. */
export function withRecordIds(packed: PackedTexts, recordIds: readonly string[]): { blocks: EvidenceBlock[]; refs: EvidenceRef[] } {
  const bytes = (u: Uint8Array, start = 0, end = u.byteLength) => Buffer.from(u.buffer, u.byteOffset + start, end - start);
  return {
    blocks: packed.blocks.map((b, i) => ({ id: recordIds[i * RECORDS_PER_BLOCK], recordCount: b.recordCount, data: bytes(b.data) })),
    refs: packed.offsets.map((offset, i) => ({
      blockId: recordIds[i - (i % RECORDS_PER_BLOCK)],
      offset,
      length: packed.lengths[i],
      sha256: bytes(packed.sha256, 32 * i, 32 * i + 32),
    })),
  };
}

/** Packs texts (with their record ids) into blocks; returns the blocks and each text's reference, in order. */
export function packEvidence(texts: readonly string[], recordIds: readonly string[]): { blocks: EvidenceBlock[]; refs: EvidenceRef[] } {
  return withRecordIds(packTexts(texts), recordIds);
}

/** The uncompressed bytes of a block. */
export function unpackBlock(data: Buffer): Buffer {
  return zlib.brotliDecompressSync(data);
}

/** One record's bytes out of its uncompressed block. */
export function recordBytes(block: Buffer, offset: number, length: number): Buffer {
  return block.subarray(offset, offset + length);
}
