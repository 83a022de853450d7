import crypto from 'node:crypto';

/**
 * InternetMessageId arrives with or without `<…>` (quirk 23). The canonical form always has exactly one pair of
 * brackets so the same message matches across records; case is kept because the local part is case-sensitive.
 */
export function canonicalMessageId(input: string): { canonical: string; original: string | null } | null {
  if (typeof input !== 'string') return null;
  const inner = input
    .trim()
    .replace(/^<+/, '')
    .replace(/>+$/, '')
    .trim();
  if (inner === '') return null;
  const canonical = `<${inner}>`;
  return { canonical, original: input === canonical ? null : input };
}

/**
 * The dictionary key of a canonical InternetMessageId: RFC 5322 domains compare case-insensitively, so
 * `<a@HOST.example.com>` and `<a@host.example.com>` are one message; the local part keeps its case. ASCII-only
 * lowering (domains are ASCII, IDNs come as punycode) so migrations/*MessageDictionary* computes the same key in SQL.
 */
export function messageKey(canonical: string): string {
  const at = canonical.lastIndexOf('@');
  if (at < 0) return canonical;
  return canonical.slice(0, at) + canonical.slice(at).replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/**
 * The dictionary's key for a hash: the first 16 bytes of a SHA-256, hex. 128 bits keep collisions out of reach (~10^-20
 * at a billion messages) at half the bytes per message and index entry (migration CompactDictionaries).
 */
const dictionaryHash = (key: string): string => crypto.createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32);

/** What the dictionary stores and indexes for a message: the hash of its key (UTF-8). */
export function messageKeyHash(canonical: string): string {
  return dictionaryHash(messageKey(canonical));
}

/**
 * The dictionary key of an item listed without an InternetMessageId. Store ids are only meaningful inside one
 * mailbox, so the mailbox is part of the key: the same id in two mailboxes is two items, never one message.
 * Keys of this kind start with `item:`, message keys with `<`, so the two never meet.
 */
export function itemKey(mailboxUpn: string | null, itemId: string): string {
  return `item:${mailboxUpn ?? ''}\u0001${itemId}`;
}

/** The hash (hex) of a dictionary key: messageKey(...) for messages, itemKey(...) for items without one. */
export function dictionaryKeyHash(key: string): string {
  return dictionaryHash(key);
}

/**
 * Exchange Online names the messages it creates `<SERVER` + hex + `@SERVER.region.prod.outlook.com>`, e.g.
 * `<SN2PR00MB01571C097EE2C3C01A5F3469B58E0@SN2PR00MB0157.namprd00.prod.outlook.com>`: the server twice, then
 * upper-case hex digits (25 in real ones, an odd number). The dictionary stores such a spelling as its parts, ~40
 * bytes less per message than the ~80-character text (migration PackedMessageIds): the server once, the digits as
 * bytes (a 0 appended when odd, and a flag saying so) and the region. `exchangeOnlineSpelling` and the SQL function
 * `internet_message_id(message)` put it back. Anything else, or anything that would not come back byte-exact
 * (lower-case hex, another domain case), stays text.
 */
export interface ExchangeOnlineParts {
  server: string;
  /** The upper-case hex digits after the server, as written. */
  hex: string;
  region: string;
}

const EXCHANGE_ONLINE = /^<([^@<>]+)@([A-Z0-9]+)\.([a-z0-9]+)\.prod\.outlook\.com>$/;
const HEX = /^[0-9A-F]+$/;

export function exchangeOnlineParts(spelling: string): ExchangeOnlineParts | null {
  const m = EXCHANGE_ONLINE.exec(spelling);
  if (!m) return null;
  const [, local, server, region] = m;
  if (!local.startsWith(server)) return null;
  const hex = local.slice(server.length);
  if (!HEX.test(hex)) return null;
  const parts = { server, hex, region };
  return exchangeOnlineSpelling(parts) === spelling ? parts : null;
}

/** The spelling the parts stand for; the same expression as the SQL function `internet_message_id(message)`. */
export function exchangeOnlineSpelling(p: ExchangeOnlineParts): string {
  return `<${p.server}${p.hex}@${p.server}.${p.region}.prod.outlook.com>`;
}
