/**
 * Defensive readers for untrusted parsed JSON / CSV cells. Every function accepts `unknown` and never throws
 * on ordinary values, so the mapping code can stay a flat list of rules.
 */

export type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A field by exact name, else by case-insensitive name (PowerShell is case-insensitive, so tools write
 * `Parentfolder`, Graph may write `clientIp`). Only own properties: never the prototype chain.
 */
export function field(obj: unknown, name: string): unknown {
  if (!isObject(obj)) return undefined;
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) {
    if (key.toLowerCase() === lower) return obj[key];
  }
  return undefined;
}

/** Trimmed non-empty string, else null. Non-strings are null (a number is not an id we can trust). */
export function text(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/** First non-null `text` among the candidates. */
export function firstText(...values: unknown[]): string | null {
  for (const v of values) {
    const t = text(v);
    if (t !== null) return t;
  }
  return null;
}

const INT32_MAX = 2147483647;

/**
 * A non-negative integer from a number or a numeric string ("8", " 8 "). Rejects fractions, NaN, Infinity and
 * values above `max` (default int4, so the loader's columns cannot overflow).
 */
export function nonNegativeInt(v: unknown, max: number = INT32_MAX): number | null {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\s*\+?\d{1,20}\s*$/.test(v)) n = Number(v.trim());
  else return null;
  if (!Number.isSafeInteger(n) || n < 0 || n > max) return null;
  return n;
}

/** Booleans arrive as real booleans or as "True"/"False" in any case (quirk 30). */
export function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return null;
  const t = v.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  return null;
}

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** Lower-case bare GUID text when `v` is a GUID (braces tolerated), else null. */
export function guid(v: string): string | null {
  const m = GUID.exec(v);
  return m ? m[1]!.toLowerCase() : null;
}

/**
 * How a GUID-valued text is stored in a uuid column beside a text one (record keys, AppIds): the lower-case GUID
 * PostgreSQL prints for a uuid as the uuid, anything else (upper case, braces, not a GUID) as text, so the text comes
 * back exactly as it was: `coalesce(text_column, uuid_column::text)`.
 */
export function storedGuid(value: string | null): { uuid: string | null; text: string | null } {
  if (value === null) return { uuid: null, text: null };
  return guid(value) === value ? { uuid: value, text: null } : { uuid: null, text: value };
}

const BASE64_TEXT = /^[A-Za-z0-9+/]+$/;

/**
 * How an item's store id (FolderItems[].Id / ImmutableId, base64 text) is stored (migration NarrowAccessRows): the
 * bytes it spells, after as many 'A's as make whole 4-character groups, then one byte saying how many were added
 * (hex, for COPY), 3/4 of its length; anything else (other characters, '=' padding) as text. The SQL function
 * `item_id(message_access)` gives the text back: `left(encode(bytes), 4/3 of their length - the added 'A's)`.
 */
export function storedItemId(value: string | null): { b64Hex: string | null; text: string | null } {
  if (value === null || !BASE64_TEXT.test(value)) return { b64Hex: null, text: value };
  const pad = (4 - (value.length % 4)) % 4;
  return { b64Hex: Buffer.from(value + 'A'.repeat(pad), 'base64').toString('hex') + '0' + pad, text: null };
}
