import { createHash } from 'node:crypto';
import { NormalizationError } from './errors';
import { field, guid, storedGuid, text } from './values';

/**
 * The dedup key (quirk 13): AuditData.Id, else the wrapper's id (RecordId / Identity / Graph id). GUIDs are
 * lower-cased; a long opaque token (Search-MailboxAuditLog Identity, base64-like) is kept as is. Anonymised ids
 * (`ANONYMIZED`, `[REDACTED_ID]`, `0`, the nil GUID, quirk 14) cannot be trusted to be unique, so the key becomes
 * `sha256:<hex>` of the record's content: identical content gives the identical key.
 */
export function recordKey(auditData: unknown, wrapperId?: unknown, flat = false): string {
  const candidates = [field(auditData, 'Id'), wrapperId];
  if (flat) candidates.push(field(auditData, 'Identity'));
  for (const c of candidates) {
    const key = usableId(c);
    if (key) return key;
  }
  return contentKey(auditData);
}

const NIL_GUID = '00000000-0000-0000-0000-000000000000';
const OPAQUE = /^[A-Za-z0-9+/=_-]{16,512}$/;
// Anchored at the start: a real base64 token may contain `null` somewhere by chance.
const PLACEHOLDER = /^(anonym|redact|placeholder|unknown|null|undefined|none|xxxx)/i;

/** The id as the key, or null when it is missing or looks anonymised. */
export function usableId(value: unknown): string | null {
  const t = text(value);
  if (t === null) return null;
  const g = guid(t);
  if (g !== null) return g === NIL_GUID ? null : g;
  if (!OPAQUE.test(t) || PLACEHOLDER.test(t)) return null;
  if (/^(.)\1*$/.test(t)) return null; // 0000000000000000
  // Real tokens are base64: they mix digits and letters, or upper and lower case.
  const mixed = /\d/.test(t) ? /[A-Za-z]/.test(t) : /[a-z]/.test(t) && /[A-Z]/.test(t);
  return mixed ? t : null;
}

export function contentKey(auditData: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(withoutContainerKeys(auditData))).digest('hex')}`;
}

/**
 * Keys a container adds to AuditData (Graph puts `@odata.type` inside auditData) are not part of the record:
 * leave them out of the hash so the same record gets the same key from every export shape.
 */
function withoutContainerKeys(auditData: unknown): unknown {
  if (auditData === null || typeof auditData !== 'object' || Array.isArray(auditData)) return auditData;
  const keys = Object.keys(auditData);
  if (!keys.some((k) => k.startsWith('@odata.'))) return auditData;
  return Object.fromEntries(keys.filter((k) => !k.startsWith('@odata.')).map((k) => [k, (auditData as Record<string, unknown>)[k]]));
}

const MAX_DEPTH = 200;

/** JSON with object keys sorted at every level, so key order in the source does not change the hash. */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null';
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'number':
        return Number.isFinite(v) ? JSON.stringify(v) : 'null';
      case 'boolean':
        return v ? 'true' : 'false';
      case 'bigint':
        return JSON.stringify(v.toString());
      case 'object':
        break;
      default:
        return 'null';
    }
    if (depth > MAX_DEPTH) throw new NormalizationError(`AuditData is nested more than ${MAX_DEPTH} levels deep`);
    const obj = v as object;
    if (seen.has(obj)) throw new NormalizationError('AuditData refers to itself (circular structure)');
    seen.add(obj);
    let out: string;
    if (Array.isArray(obj)) {
      out = `[${obj.map((item) => walk(item, depth + 1)).join(',')}]`;
    } else {
      const rec = obj as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(rec).sort()) {
        if (rec[key] === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${walk(rec[key], depth + 1)}`);
      }
      out = `{${parts.join(',')}}`;
    }
    seen.delete(obj);
    return out;
  };
  return walk(value, 0);
}

/**
 * How audit_record stores a key (migration PackedRecordKeys): a lower-case GUID, which nearly every key is, as a
 * 16-byte uuid (`record_uuid`) instead of 37 bytes of text, in the row and in its unique index; any other key (a
 * `sha256:` content key, an opaque token, an Id conflict's `<Id>#<sha256>`) as text (`record_key_text`). PostgreSQL
 * prints a uuid in exactly this lower-case form, so the SQL function `record_key(audit_record)` gives every key back
 * as it was. One rule for every writer, so a key always lands in the same column and the two unique indexes together
 * keep it unique.
 */
export function storedRecordKey(key: string): { uuid: string | null; text: string | null } {
  return storedGuid(key);
}

/** Keys split by storedRecordKey, for a lookup that asks both unique indexes. */
export function storedRecordKeys(keys: Iterable<string>): { uuids: string[]; texts: string[] } {
  const uuids: string[] = [];
  const texts: string[] = [];
  for (const key of keys) {
    const stored = storedRecordKey(key);
    if (stored.uuid !== null) uuids.push(stored.uuid);
    else texts.push(key);
  }
  return { uuids, texts };
}
