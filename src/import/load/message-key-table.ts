/**
 * The message-dictionary ids an import has committed, by key hash, so a chunk asks PostgreSQL only about messages
 * the import has not met yet, and none at all while the organisation's dictionary was empty when the batch began (a
 * key the table lacks is then new). Looking every key of every chunk up was 1.5 s of PostgreSQL per 200,000 generated
 * records (docs/PERFORMANCE.md, eighth session).
 *
 * Typed arrays, not a Map of strings: 24 bytes per slot (the 16-byte hash and the id), at most half full, so
 * 500,000 messages take 24 MB, where a Map of hex-string keys costs several times that. Past `maxEntries` it stops learning and
 * says so (`full`); the ids it holds stay right, since a message row is never deleted while its organisation loads.
 */

/**
 * 524,288 messages in 24 MB at most (the importer's whole budget is 400 MB): the 200,000-record benchmark file names
 * 492,000; a larger file fills it and then asks PostgreSQL about the keys it lacks, as every chunk did before.
 */
const DEFAULT_MAX_ENTRIES = 1 << 19;
const INITIAL_SLOTS = 1 << 16;

export class MessageKeyTable {
  private slots = INITIAL_SLOTS;
  /** Four 32-bit words of each slot's hash; a slot is free while its id is 0 (ids start at 1). */
  private hashes = new Uint32Array(INITIAL_SLOTS * 4);
  private ids = new Float64Array(INITIAL_SLOTS);
  private entries = 0;

  constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

  get size(): number {
    return this.entries;
  }

  /** True once it has refused a key: some of the import's messages are then known only to the database. */
  full = false;

  /** The id stored for a key hash (32 hex digits, as dictionaryKeyHash gives it), or undefined. */
  get(hex: string): string | undefined {
    const w0 = word(hex, 0);
    const w1 = word(hex, 8);
    const w2 = word(hex, 16);
    const w3 = word(hex, 24);
    const mask = this.slots - 1;
    for (let slot = w0 & mask; ; slot = (slot + 1) & mask) {
      const id = this.ids[slot];
      if (id === 0) return undefined;
      const h = slot * 4;
      if (this.hashes[h] === w0 && this.hashes[h + 1] === w1 && this.hashes[h + 2] === w2 && this.hashes[h + 3] === w3) return String(id);
    }
  }

  /** Adds (or keeps) a committed id; false when the table is full. */
  set(hex: string, id: string): boolean {
    if (this.entries >= this.maxEntries) {
      this.full = true;
      return false;
    }
    if ((this.entries + 1) * 2 > this.slots) this.grow();
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`message id out of range: ${id}`);
    this.place(word(hex, 0), word(hex, 8), word(hex, 16), word(hex, 24), n);
    return true;
  }

  private place(w0: number, w1: number, w2: number, w3: number, id: number): void {
    const mask = this.slots - 1;
    for (let slot = w0 & mask; ; slot = (slot + 1) & mask) {
      const h = slot * 4;
      if (this.ids[slot] === 0) {
        this.hashes[h] = w0;
        this.hashes[h + 1] = w1;
        this.hashes[h + 2] = w2;
        this.hashes[h + 3] = w3;
        this.ids[slot] = id;
        this.entries += 1;
        return;
      }
      if (this.hashes[h] === w0 && this.hashes[h + 1] === w1 && this.hashes[h + 2] === w2 && this.hashes[h + 3] === w3) return;
    }
  }

  private grow(): void {
    const { hashes, ids } = this;
    const old = this.slots;
    this.slots = old * 2;
    this.hashes = new Uint32Array(this.slots * 4);
    this.ids = new Float64Array(this.slots);
    this.entries = 0;
    for (let slot = 0; slot < old; slot++) {
      if (ids[slot] !== 0) this.place(hashes[slot * 4], hashes[slot * 4 + 1], hashes[slot * 4 + 2], hashes[slot * 4 + 3], ids[slot]);
    }
  }
}

/** Eight hex digits of a key hash as an unsigned 32-bit word (the hash is SHA-256, so any word spreads evenly). */
function word(hex: string, at: number): number {
  if (hex.length !== 32) throw new Error(`not a dictionary key hash: ${hex}`);
  let w = 0;
  for (let i = at; i < at + 8; i++) {
    const c = hex.charCodeAt(i);
    // 0-9, a-f, A-F
    const v = c <= 57 ? c - 48 : (c | 32) - 87;
    if (v < 0 || v > 15) throw new Error(`not a dictionary key hash: ${hex}`);
    w = w * 16 + v;
  }
  return w >>> 0;
}
