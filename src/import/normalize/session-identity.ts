/**
 * Which session a record belongs to. Exchange writes SessionId for most clients; current OWA and REST traffic
 * often has only the Entra sign-in's AADSessionId (top level or in AppAccessContext). A record is keyed by
 * SessionId when there is one (kind EXCHANGE), else by AADSessionId (kind ENTRA); when it carries both, the
 * Exchange session is linked to its Entra session. Anonymised exports replace ids with placeholders that would
 * merge unrelated mailboxes into one "session", so those never form a session.
 */
import type { RecordSession } from '../types';
import { field, firstText, text, type Obj } from './values';

/** Placeholder spellings, compared without case and punctuation ("<REDACTED>", "n/a", "Anonymised"...). */
const PLACEHOLDER_WORDS = new Set(['anonymized', 'anonymised', 'anonymous', 'redacted', 'removed', 'hidden', 'masked', 'null', 'none', 'na', 'unknown', 'undefined']);

/** True for ids that stand for "no id": empty, a placeholder word, or only zeros / x's (the all-zero GUID). */
export function isPlaceholderId(id: string): boolean {
  const squashed = id.toLowerCase().replace(/[^a-z0-9]/g, '');
  return squashed === '' || PLACEHOLDER_WORDS.has(squashed) || /^0+$/.test(squashed) || /^x+$/.test(squashed);
}

/** The trimmed id unless it is missing or a placeholder. */
export function realId(v: unknown): string | null {
  const t = text(v);
  return t === null || isPlaceholderId(t) ? null : t;
}

export interface SessionIdentity {
  /** SessionId (Exchange), placeholders removed. */
  sessionId: string | null;
  /** AADSessionId, top level or in AppAccessContext, placeholders removed. */
  aadSessionId: string | null;
  uniqueTokenId: string | null;
  session: RecordSession | null;
  /** The placeholder ids that were not used as sessions (for the batch's notes). */
  placeholders: string[];
}

export function sessionIdentity(ad: Obj): SessionIdentity {
  const appAccess = field(ad, 'AppAccessContext');
  const rawSession = text(field(ad, 'SessionId'));
  const rawAad = firstText(field(ad, 'AADSessionId'), field(appAccess, 'AADSessionId'));
  const placeholders = [rawSession, rawAad].filter((v): v is string => v !== null && isPlaceholderId(v));
  const sessionId = realId(rawSession);
  const aadSessionId = realId(rawAad);
  const uniqueTokenId = realId(field(ad, 'UniqueTokenId')) ?? realId(field(appAccess, 'UniqueTokenId'));
  let session: RecordSession | null = null;
  if (sessionId !== null) session = { key: sessionId, kind: 'EXCHANGE', entraSessionId: aadSessionId };
  else if (aadSessionId !== null) session = { key: aadSessionId, kind: 'ENTRA', entraSessionId: null };
  return { sessionId, aadSessionId, uniqueTokenId, session, placeholders };
}
