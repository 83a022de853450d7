/** Types for range-table-writer.cjs (encodes the IP range tables that src/enrich/range-table.ts reads). */
export interface RangeRow {
  start: bigint;
  /** Inclusive. */
  end: bigint;
  value: unknown;
}

export function encodeRangeTable(
  kind: string,
  families: { family: 4 | 6; rows: RangeRow[] }[],
): {
  compressed: Buffer;
  stats: { values: number; boundaries: Record<string, number>; nested: number; rawBytes: number };
};
