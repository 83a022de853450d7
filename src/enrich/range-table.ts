import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { brotliDecompressSync } from 'node:zlib';
import type { IpWords } from './ip-number';

const MAGIC = 'MTRANGE1';
const GAP = 0xffffffff;

/** Boundaries where the answer changes, sorted; values[i] holds from boundaries[i] up to the next boundary. */
interface FamilyTable {
  wordsPerAddress: number;
  boundaries: Uint32Array;
  valueIds: Uint32Array;
}

/**
 * A sorted table of IP ranges → value, for IPv4 and IPv6, as scripts/range-table-writer.cjs encodes it.
 * Lookups are a binary search over typed arrays: O(log n), no allocation.
 */
export class RangeTable<V> {
  private constructor(
    private readonly values: readonly V[],
    private readonly families: ReadonlyMap<4 | 6, FamilyTable>,
  ) {}

  /** `kind` is what the file must hold (`country`, `asn`): a swapped or stale file fails loudly. */
  static load<V>(file: string, kind: string): RangeTable<V> {
    if (endianness() !== 'LE') throw new Error('enrichment range tables are little-endian; this machine is not');
    const raw = brotliDecompressSync(readFileSync(file));
    // Typed arrays need 4-byte alignment to view the buffer in place; copy only when it is not aligned.
    const bytes = raw.byteOffset % 4 === 0 ? raw : Buffer.from(Uint8Array.prototype.slice.call(raw));
    const at = (offset: number) => bytes.byteOffset + offset;
    if (bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error(`${file}: not a range table`);
    const headerLength = bytes.readUInt32LE(MAGIC.length);
    const headerStart = MAGIC.length + 4;
    const header = JSON.parse(bytes.toString('utf8', headerStart, headerStart + headerLength)) as {
      kind: string;
      values: V[];
      families: { family: 4 | 6; count: number }[];
    };
    if (header.kind !== kind) throw new Error(`${file}: holds ${header.kind}, expected ${kind}`);
    let offset = Math.ceil((headerStart + headerLength) / 4) * 4;
    const families = new Map<4 | 6, FamilyTable>();
    for (const { family, count } of header.families) {
      const wordsPerAddress = family === 4 ? 1 : 4;
      const boundaries = new Uint32Array(bytes.buffer, at(offset), count * wordsPerAddress);
      offset += boundaries.byteLength;
      const valueIds = new Uint32Array(bytes.buffer, at(offset), count);
      offset += valueIds.byteLength;
      undoDeltas(boundaries, wordsPerAddress);
      families.set(family, { wordsPerAddress, boundaries, valueIds });
    }
    if (offset !== bytes.length) throw new Error(`${file}: ${bytes.length - offset} unexpected trailing bytes`);
    return new RangeTable(header.values, families);
  }

  /** The value for this address, or null where the source has no data. */
  lookup(ip: IpWords): V | null {
    const table = this.families.get(ip.version);
    if (!table) return null;
    const { wordsPerAddress: w, boundaries, valueIds } = table;
    // Last boundary <= ip; the first boundary is always 0, so there is one.
    let lo = 0;
    let hi = valueIds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (compareAt(boundaries, mid * w, ip.words) <= 0) lo = mid;
      else hi = mid - 1;
    }
    const id = valueIds[lo]!;
    return id === GAP ? null : this.values[id]!;
  }

  /** Ranges held, per family: for the figures in SOURCES.md and the tests. */
  get sizes(): { ipv4: number; ipv6: number; values: number; bytes: number } {
    const f = (v: 4 | 6) => this.families.get(v);
    const bytes = [...this.families.values()].reduce((n, t) => n + t.boundaries.byteLength + t.valueIds.byteLength, 0);
    return { ipv4: f(4)?.valueIds.length ?? 0, ipv6: f(6)?.valueIds.length ?? 0, values: this.values.length, bytes };
  }
}

function compareAt(boundaries: Uint32Array, at: number, words: readonly number[]): number {
  for (let i = 0; i < words.length; i++) {
    const b = boundaries[at + i]!;
    if (b !== words[i]!) return b < words[i]! ? -1 : 1;
  }
  return 0;
}

/** Boundaries are stored as differences from the previous one (they compress far better); add them back up. */
function undoDeltas(boundaries: Uint32Array, wordsPerAddress: number): void {
  const sum = new Array<number>(wordsPerAddress).fill(0);
  for (let at = 0; at < boundaries.length; at += wordsPerAddress) {
    let carry = 0;
    for (let i = wordsPerAddress - 1; i >= 0; i--) {
      const total = sum[i]! + boundaries[at + i]! + carry;
      sum[i] = total >>> 0;
      carry = total > 0xffffffff ? 1 : 0;
      boundaries[at + i] = sum[i]!;
    }
  }
}
