/**
 * Which records of a chunk are new, which are repeats of a record already kept, and which are Id conflicts (issue
 * 11): a record whose Id (record_key) is taken by a record with different content. A repeat adds nothing; a
 * conflict is kept too, under the key `<Id>#<content sha256>` (so importing it again adds nothing either), pointing
 * at the record it conflicts with, and counted in the batch's warnings.
 *
 * "Same content" is the same bytes, or else the same canonical JSON (contentKey): the same record exported by
 * two tools (key order, spacing) is a repeat, not a conflict. The canonical comparison runs only when two texts
 * with one key differ, which is rare.
 */
import type { PoolClient } from 'pg';
import { sha256, unpackBlock, recordBytes } from '../../evidence/blocks';
import { contentKey, storedRecordKeys } from '../normalize';
import type { StagedRecord } from './chunk-plan';

/** A record to insert; `conflictsWith` is the stored record's id, or the earlier record of the same chunk. */
export type ResolvedRecord = StagedRecord & { conflictsWith?: string | StagedRecord };

export interface ChunkIdentity {
  fresh: ResolvedRecord[];
  /** Records kept as Id conflicts (a subset of `fresh`). */
  conflicts: ResolvedRecord[];
}

interface StoredRow {
  record_key: string;
  id: string;
  raw_sha256: Buffer;
  raw_block_id: string | null;
  raw_offset: number | null;
  raw_length: number | null;
}

/** The canonical content hash of a record's text; the text itself when it is not JSON. */
function canonicalOf(text: string): string {
  try {
    return contentKey(JSON.parse(text)).slice('sha256:'.length);
  } catch {
    return sha256(Buffer.from(text, 'utf8')).toString('hex');
  }
}

async function storedText(client: PoolClient, orgId: number, row: StoredRow): Promise<string> {
  if (row.raw_block_id === null) {
    // Records moved from the former jsonb column keep their text there.
    const { rows } = await client.query('SELECT raw::text AS raw FROM audit_record WHERE id = $1', [row.id]);
    return rows[0]?.raw ?? '';
  }
  const { rows } = await client.query('SELECT data FROM evidence_block WHERE org_id = $1 AND id = $2', [orgId, row.raw_block_id]);
  return recordBytes(unpackBlock(rows[0].data), row.raw_offset!, row.raw_length!).toString('utf8');
}

/**
 * Sorts a chunk's records into fresh ones (conflicts included) and repeats. With `lookup` false the caller knows no
 * key of the chunk can be stored yet (an empty organisation, earlier chunks' keys excepted: the unique index
 * catches those and the chunk is redone with `lookup`).
 */
export async function resolveIdentities(client: PoolClient, orgId: number, records: StagedRecord[], lookup: boolean): Promise<ChunkIdentity> {
  const stored = new Map<string, StoredRow>();
  if (lookup) {
    const keys = storedRecordKeys(new Set(records.map((s) => s.record.recordKey)));
    const { rows } = await client.query<StoredRow>(
      `SELECT r.record_key, id::text, raw_sha256, raw_block_id::text, raw_offset, raw_length
       FROM audit_record r WHERE org_id = $1 AND (record_uuid = ANY($2::uuid[]) OR record_key_text = ANY($3::text[]))`,
      [orgId, keys.uuids, keys.texts],
    );
    for (const r of rows) stored.set(r.record_key, r);
  }
  const firstInChunk = new Map<string, StagedRecord>();
  const canonical = new Map<StagedRecord, string>();
  const canonicalFor = (s: StagedRecord) => {
    let c = canonical.get(s);
    if (c === undefined) canonical.set(s, (c = canonicalOf(s.rawJson)));
    return c;
  };
  const fresh: ResolvedRecord[] = [];
  const candidates: { staged: StagedRecord; key: string; conflictsWith: string | StagedRecord }[] = [];
  for (const staged of records) {
    const key = staged.record.recordKey;
    const row = stored.get(key);
    if (row) {
      if (sha256(Buffer.from(staged.rawJson, 'utf8')).equals(row.raw_sha256)) continue;
      if (canonicalFor(staged) === canonicalOf(await storedText(client, orgId, row))) continue;
      candidates.push({ staged, key: `${key}#${canonicalFor(staged)}`, conflictsWith: row.id });
      continue;
    }
    const first = firstInChunk.get(key);
    if (first) {
      if (first.rawJson === staged.rawJson || canonicalFor(first) === canonicalFor(staged)) continue;
      candidates.push({ staged, key: `${key}#${canonicalFor(staged)}`, conflictsWith: first });
      continue;
    }
    firstInChunk.set(key, staged);
    fresh.push(staged);
  }
  const conflicts: ResolvedRecord[] = [];
  if (candidates.length > 0) {
    // Conflict keys (`<Id>#<sha256>`) are never GUIDs: stored as text.
    const { rows } = await client.query<{ record_key: string }>(
      'SELECT record_key_text AS record_key FROM audit_record WHERE org_id = $1 AND record_key_text = ANY($2::text[])',
      [orgId, [...new Set(candidates.map((c) => c.key))]],
    );
    const taken = new Set(rows.map((r) => r.record_key));
    for (const c of candidates) {
      if (taken.has(c.key)) continue;
      taken.add(c.key);
      const resolved: ResolvedRecord = { ...c.staged, record: { ...c.staged.record, recordKey: c.key }, conflictsWith: c.conflictsWith };
      fresh.push(resolved);
      conflicts.push(resolved);
    }
  }
  return { fresh, conflicts };
}
