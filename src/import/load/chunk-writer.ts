/**
 * Writes one batch's records chunk by chunk: each chunk (records + rejections + the batch's counters) commits in
 * one transaction, so a crash loses at most the chunk in flight and a re-run completes the batch without
 * duplicates. A chunk that PostgreSQL refuses (a value it cannot store) is split in halves until the refused
 * records are isolated and kept as rejections; the rest still loads.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { countChunkSql } from '../import-batches';
import { unpackTexts, type PackedTexts } from '../../evidence/blocks';
import type { Rejection } from '../types';
import { copyRow } from './copy-text';
import { clearDictionaryCache, loadChunk, newDictionaryCache, type MessageMemo } from './chunk-load';
import type { StagedRecord } from './chunk-plan';
import { loadDetailChunk, type StagedDetail } from './detail-load';
import type { ImportConnection } from './import-connection';
import { MessageKeyTable } from './message-key-table';
import { storableRecord } from './nul-text';
import type { TouchedSessions } from './session-counts';

export interface ChunkTotals {
  read: number;
  inserted: number;
  duplicates: number;
  rejected: number;
  /** Bind/Sync records without a mailbox (no MailboxOwnerUPN): stored, but their accesses cannot be attributed. */
  unattributedBindRecords: number;
  /** Records stored with their NUL characters escaped (nul-text.ts), and the line of the first. */
  nulRecords: number;
  firstNulLine: number | null;
  /** Message details (message trace, eDiscovery) read as items of a mailbox folder: folder_inventory rows added. */
  inventoried: number;
  /** Records kept although a stored record had their Id with other content, and the first few of them. */
  conflicts: number;
  conflictExamples: { line: number; key: string }[];
}

const CONFLICT_EXAMPLES = 3;

export class ChunkWriter {
  readonly totals: ChunkTotals = {
    read: 0, inserted: 0, duplicates: 0, rejected: 0, unattributedBindRecords: 0, nulRecords: 0, firstNulLine: null, conflicts: 0, conflictExamples: [], inventoried: 0,
  };
  /**
   * Whether chunks must look their keys up before inserting. Not while the organisation held no record when the
   * batch started: then only this batch's earlier chunks can hold a key, and the unique index says so (the chunk
   * is then redone with the lookup, as are all later ones).
   */
  private lookup = true;
  private started = false;
  /** Dictionary ids (folders, ClientInfoStrings) known to be committed; cleared when a transaction rolls back. */
  private readonly dictionaryCache = newDictionaryCache();
  /** Message-dictionary ids the batch committed; learnt only after each commit, so it never holds a rolled-back id. */
  private readonly messages = new MessageKeyTable();
  /** The organisation's dictionary was empty at the start: a key `messages` lacks is new (MessageMemo.newOnly). */
  private messagesNewOnly = false;

  constructor(
    private readonly connection: ImportConnection,
    private readonly orgId: number,
    private readonly batchId: string,
    /** Where the sessions of committed chunks are noted, for the import's count at its end (session-counts.ts). */
    private readonly touched?: TouchedSessions,
  ) {}

  /**
   * Loads a chunk (audit records, or message details); returns once it is committed. `evidence`: the records' texts
   * packed ahead (prepare.ts), used when every record is new.
   */
  async write(staged: StagedRecord[], rejections: Rejection[], details: StagedDetail[] = [], evidence?: PackedTexts): Promise<void> {
    this.connection.throwIfLost();
    const client = this.connection.client;
    if (!this.started) {
      this.started = true;
      const { rows } = await client.query(
        'SELECT EXISTS (SELECT 1 FROM audit_record WHERE org_id = $1) AS stored, EXISTS (SELECT 1 FROM message WHERE org_id = $1) AS messages',
        [this.orgId],
      );
      this.lookup = rows[0].stored;
      this.messagesNewOnly = !rows[0].messages;
    }
    // Records posted without their texts get them back only where the load compares or repacks them: a key that may be
    // stored (lookup), or given twice in the chunk. Otherwise every record is new and the packed blocks are used as they are.
    if (evidence?.textsOnlyHere && (this.lookup || hasRepeatedKey(staged))) withTexts(staged, evidence);
    const records = staged.map(storableRecord);
    try {
      await this.commitChunk(client, records, rejections, details, evidence && { records, evidence });
    } catch (error) {
      if (isUniqueViolation(error) && (!this.lookup || this.messagesNewOnly)) {
        // A key the chunk took for new was stored: redo it asking (a message key, or else a record's).
        if (this.messagesNewOnly && constraintOf(error) === 'uq_message_org_key') this.messagesNewOnly = false;
        else if (!this.lookup) this.lookup = true;
        else throw error;
        return this.write(staged, rejections, details, evidence);
      }
      if (!isRefusedData(error)) throw error;
      // A refused record is kept as a rejection with an excerpt of its text.
      if (evidence?.textsOnlyHere) withTexts(records, evidence);
      if (details.length > 0) await this.isolateRefusedDetails(client, details, rejections);
      else if (records.length > 0) await this.isolateRefused(client, records, rejections);
      else throw error;
    }
  }

  private async commitChunk(
    client: PoolClient,
    records: (StagedRecord & { nul?: boolean })[],
    rejections: Rejection[],
    details: StagedDetail[] = [],
    prepacked?: { records: readonly StagedRecord[]; evidence: PackedTexts },
  ): Promise<void> {
    await client.query('BEGIN');
    try {
      // A crash can lose at most the last chunks, together with the batch counters that say they were loaded;
      // the batch then shows as interrupted and a re-run completes it. Not waiting for the WAL flush is ~free speed.
      await client.query('SET LOCAL synchronous_commit = off');
      let inserted = 0;
      let unattributed = 0;
      let conflicts: { line: number; key: string }[] = [];
      let sessions: string[] = [];
      const messages: MessageMemo = { table: this.messages, newOnly: this.messagesNewOnly && !this.messages.full, learnt: [] };
      if (records.length > 0) {
        const result = await loadChunk(client, this.orgId, this.batchId, records, this.dictionaryCache, this.lookup, prepacked, messages);
        inserted = result.inserted;
        unattributed = result.unattributedBindRecords;
        conflicts = result.conflicts;
        sessions = result.sessions;
      }
      let inventoried = 0;
      if (details.length > 0) {
        const result = await loadDetailChunk(client, this.orgId, this.batchId, details);
        inserted += result.inserted;
        inventoried = result.inventoried;
      }
      if (rejections.length > 0) await this.insertRejections(client, rejections);
      const rows = records.length + details.length;
      const duplicates = rows - inserted;
      const counted = countChunkSql(this.batchId, { read: rows + rejections.length, inserted, duplicates, rejected: rejections.length });
      await client.query(counted.text, counted.values);
      await client.query('COMMIT');
      for (const [key, id] of messages.learnt) this.messages.set(key, id);
      this.touched?.add(sessions);
      this.totals.read += rows + rejections.length;
      this.totals.inventoried += inventoried;
      this.totals.inserted += inserted;
      this.totals.duplicates += duplicates;
      this.totals.rejected += rejections.length;
      this.totals.unattributedBindRecords += unattributed;
      this.totals.conflicts += conflicts.length;
      for (const c of conflicts) if (this.totals.conflictExamples.length < CONFLICT_EXAMPLES) this.totals.conflictExamples.push(c);
      for (const r of records) {
        if (!r.nul) continue;
        this.totals.nulRecords += 1;
        this.totals.firstNulLine = Math.min(this.totals.firstNulLine ?? r.line, r.line);
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // Ids learnt in the rolled-back transaction may not exist.
      clearDictionaryCache(this.dictionaryCache);
      throw error;
    }
  }

  /** Bisects a refused chunk so only the records PostgreSQL cannot store become rejections. */
  private async isolateRefused(client: PoolClient, records: StagedRecord[], rejections: Rejection[]): Promise<void> {
    if (records.length === 1) {
      const refused = records[0];
      let reason = 'PostgreSQL refused this record';
      try {
        await this.commitChunk(client, records, rejections);
        return;
      } catch (error) {
        if (!isRefusedData(error)) throw error;
        reason += `: ${(error as Error).message}`;
      }
      await this.commitChunk(client, [], [...rejections, { line: refused.line, reason, excerpt: refused.rawJson.slice(0, 300) }]);
      return;
    }
    const middle = Math.floor(records.length / 2);
    const halves: [StagedRecord[], Rejection[]][] = [
      [records.slice(0, middle), rejections],
      [records.slice(middle), []],
    ];
    for (const [part, rejectionsOfPart] of halves) {
      try {
        await this.commitChunk(client, part, rejectionsOfPart);
      } catch (error) {
        if (!isRefusedData(error)) throw error;
        await this.isolateRefused(client, part, rejectionsOfPart);
      }
    }
  }

  /** The same for message details: only the rows PostgreSQL cannot store become rejections. */
  private async isolateRefusedDetails(client: PoolClient, details: StagedDetail[], rejections: Rejection[]): Promise<void> {
    if (details.length === 1) {
      const refused = details[0]!;
      let reason = 'PostgreSQL refused this row';
      try {
        await this.commitChunk(client, [], rejections, details);
        return;
      } catch (error) {
        if (!isRefusedData(error)) throw error;
        reason += `: ${(error as Error).message}`;
      }
      await this.commitChunk(client, [], [...rejections, { line: refused.line, reason, excerpt: refused.rawText.slice(0, 300) }]);
      return;
    }
    const middle = Math.floor(details.length / 2);
    const halves: [StagedDetail[], Rejection[]][] = [
      [details.slice(0, middle), rejections],
      [details.slice(middle), []],
    ];
    for (const [part, rejectionsOfPart] of halves) {
      try {
        await this.commitChunk(client, [], rejectionsOfPart, part);
      } catch (error) {
        if (!isRefusedData(error)) throw error;
        await this.isolateRefusedDetails(client, part, rejectionsOfPart);
      }
    }
  }

  private async insertRejections(client: PoolClient, rejections: Rejection[]): Promise<void> {
    const text = rejections
      .map((r) => copyRow([this.orgId, this.batchId, r.line, stripNul(r.reason), stripNul(r.excerpt)]))
      .join('');
    await pipeline(Readable.from([text]), client.query(copyFrom('COPY import_rejection (org_id, batch_id, line, reason, excerpt) FROM STDIN')));
  }

}

/** Gives records posted without their texts (prepare.ts) their texts back from the chunk's packed blocks, in order. */
function withTexts(records: StagedRecord[], evidence: PackedTexts): void {
  if (records.every((r) => r.rawJson !== '')) return;
  const texts = unpackTexts(evidence);
  if (texts.length !== records.length) throw new Error(`a chunk of ${records.length} records came with ${texts.length} texts`);
  records.forEach((r, i) => (r.rawJson = texts[i]));
}

function hasRepeatedKey(records: StagedRecord[]): boolean {
  const keys = new Set<string>();
  for (const { record } of records) {
    if (keys.has(record.recordKey)) return true;
    keys.add(record.recordKey);
  }
  return false;
}

/**
 * Data exceptions (SQLSTATE class 22: a value a typed column cannot hold, a number out of range...) and program
 * limits (class 54) are about one record's content; anything else (a lost connection, a bug) must fail the batch
 * instead of rejecting records.
 */
function isRefusedData(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('54'));
}

/** A key the chunk took for new was stored already (23505 unique_violation): a record's, or a message's (constraintOf). */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === '23505';
}

/** The constraint a unique violation names (node-postgres reports it), or undefined. */
function constraintOf(error: unknown): unknown {
  return (error as { constraint?: unknown }).constraint;
}

/** PostgreSQL text cannot hold NUL; a rejection excerpt is for reading, so drop it there. */
function stripNul(text: string): string {
  return text.includes('\u0000') ? text.replace(/\u0000/g, '') : text;
}
