'use strict';
// Encodes IP range → value tables for src/enrich/range-table.ts. Used by refresh-enrichment.mjs and by the tests.
const { brotliCompressSync, constants } = require('node:zlib');

const MAGIC = 'MTRANGE1';
const GAP = 0xffffffff;

/**
 * File layout: brotli of
 *   magic, uint32 header length, header JSON {kind, values, families: [{family, count}]}, zero padding to 4 bytes,
 *   then per family: `count` boundaries (IPv4: 1 word, IPv6: 4 words, most significant first), each stored as
 *   its difference from the previous boundary, and `count` uint32 value indexes (GAP = no data from there on).
 * All words little-endian. A boundary marks where the answer changes; the first boundary is always 0.
 *
 * families: [{ family: 4 | 6, rows: [{ start: bigint, end: bigint (inclusive), value: JSON-able }] }]
 */
function encodeRangeTable(kind, families) {
  const values = [];
  const valueIds = new Map();
  const idOf = (value) => {
    const key = JSON.stringify(value);
    let id = valueIds.get(key);
    if (id === undefined) valueIds.set(key, (id = values.length)), values.push(value);
    return id;
  };
  let nested = 0;
  const encoded = families.map(({ family, rows }) => {
    const words = family === 4 ? 1 : 4;
    const painted = paintRanges(rows, family === 4 ? 1n << 32n : 1n << 128n, idOf);
    nested += painted.nested;
    const boundaryWords = new Uint32Array(painted.bounds.length * words);
    let previous = 0n;
    painted.bounds.forEach((bound, i) => {
      let delta = bound - previous;
      previous = bound;
      for (let w = words - 1; w >= 0; w--) {
        boundaryWords[i * words + w] = Number(delta & 0xffffffffn);
        delta >>= 32n;
      }
    });
    return { family, count: painted.bounds.length, boundaryWords, ids: Uint32Array.from(painted.ids) };
  });

  const header = Buffer.from(JSON.stringify({ kind, values, families: encoded.map(({ family, count }) => ({ family, count })) }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const pad = Buffer.alloc((4 - ((MAGIC.length + 4 + header.length) % 4)) % 4);
  const parts = [Buffer.from(MAGIC, 'latin1'), length, header, pad];
  for (const e of encoded) parts.push(littleEndian(e.boundaryWords), littleEndian(e.ids));
  const raw = Buffer.concat(parts);
  const compressed = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  const boundaries = Object.fromEntries(encoded.map((e) => [`ipv${e.family}`, e.count]));
  return { compressed, stats: { values: values.length, boundaries, nested, rawBytes: raw.length } };
}

/**
 * The sources nest ranges (a wide allocation, then a more specific one inside it): the range that starts later
 * wins from its start to its end, and the wider one resumes after it, as in longest-prefix routing.
 * Returns the boundaries where the answer changes and the value index from each one on.
 */
function paintRanges(rows, max, idOf) {
  const sorted = [...rows].sort((a, b) =>
    a.start !== b.start ? (a.start < b.start ? -1 : 1) : a.end > b.end ? -1 : a.end < b.end ? 1 : 0,
  );
  const bounds = [];
  const ids = [];
  let nested = 0;
  const mark = (at, id) => {
    if (bounds.length > 0 && bounds[bounds.length - 1] === at) bounds.pop(), ids.pop();
    if (ids.length > 0 && ids[ids.length - 1] === id) return; // the same answer goes on: no boundary
    bounds.push(at);
    ids.push(id);
  };
  const open = []; // enclosing ranges; their ends strictly decrease towards the top
  const closeBefore = (at) => {
    while (open.length > 0 && open[open.length - 1].end < at) {
      const done = open.pop();
      if (done.end + 1n < max) mark(done.end + 1n, open.length > 0 ? open[open.length - 1].id : GAP);
    }
  };
  mark(0n, GAP);
  for (const row of sorted) {
    if (row.start < 0n || row.end < row.start || row.end >= max) throw new Error(`bad range ${row.start}-${row.end}`);
    closeBefore(row.start);
    const id = idOf(row.value);
    if (open.length > 0) nested++;
    while (open.length > 0 && open[open.length - 1].end <= row.end) open.pop(); // shadowed from here on
    mark(row.start, id);
    open.push({ end: row.end, id });
  }
  closeBefore(max);
  return { bounds, ids, nested };
}

function littleEndian(words) {
  const out = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => out.writeUInt32LE(w, i * 4));
  return out;
}

module.exports = { encodeRangeTable };
