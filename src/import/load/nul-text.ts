/**
 * PostgreSQL text cannot hold NUL (U+0000), but an audit record may carry one (a corrupted subject, a hostile client
 * string). Such a record is stored, not rejected: its original text is kept as it is (evidence blocks are bytes),
 * and in the typed columns NUL becomes U+FFFD. The batch says how many records were stored this way.
 */
import { types } from 'node:util';
import type { StagedRecord } from './chunk-plan';

/** A `\u0000` escape not itself escaped (preceded by an even number of backslashes). */
const NUL_ESCAPE_SOURCE = /(?<=(?:^|[^\\])(?:\\\\)*)\\u0000/.source;
const HAS_NUL_ESCAPE = new RegExp(NUL_ESCAPE_SOURCE);

export function hasNul(rawJson: string): boolean {
  return rawJson.includes('\\u0000') && HAS_NUL_ESCAPE.test(rawJson);
}

function replaceNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replace(/\u0000/g, '\uFFFD') : value) as T;
  if (Array.isArray(value)) return value.map(replaceNul) as T;
  // types.isDate, not instanceof: a record prepared in the worker thread may carry Dates of another realm (Jest's).
  if (value && typeof value === 'object' && !types.isDate(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceNul(v)])) as T;
  }
  return value;
}

/** The record as PostgreSQL can store it in its typed columns; `nul` marks that it had to be changed. */
export function storableRecord(staged: StagedRecord): StagedRecord & { nul?: boolean } {
  if (!(staged.hasNul ?? hasNul(staged.rawJson))) return staged;
  return { ...staged, record: replaceNul(staged.record), nul: true };
}
