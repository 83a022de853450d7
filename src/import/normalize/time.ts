/**
 * Audit times. AuditData.CreationTime is ISO and UTC even without a zone (quirk 9); wrapper dates are rendered in
 * the exporting machine's culture (quirk 10), so they are only a fallback and may be ambiguous.
 */

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** `2022-10-25T18:23:04`, with optional fraction (any length), `Z` or offset; zone-less means UTC. */
export function parseAuditTime(input: string): Date | null {
  if (typeof input !== 'string') return null;
  const m = ISO.exec(input.trim());
  if (!m) return null;
  const offsetMinutes = parseOffset(m[8]);
  if (offsetMinutes === null) return null;
  return utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, m[7], offsetMinutes);
}

export interface WrapperDate {
  date: Date;
  /** True when day and month could be swapped (`3/12/2025`): the US reading was returned. */
  ambiguous: boolean;
}

const SLASH =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(AM|PM|A\.M\.|P\.M\.)?$/i;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})[ ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const YMD_SLASH = /^(\d{4})\/(\d{1,2})\/(\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Culture-formatted wrapper dates (CreationDate / LastAccessed), all taken as UTC: ISO (incl. 7-digit fraction and
 * trailing space), `M/d/yyyy h:mm:ss AM/PM` (US; d/M when the first number cannot be a month), `d.M.yyyy H:mm:ss`,
 * `yyyy/M/d H:mm:ss`.
 */
export function parseWrapperDate(input: string): WrapperDate | null {
  if (typeof input !== 'string') return null;
  const s = input.trim();
  const iso = parseAuditTime(s);
  if (iso) return { date: iso, ambiguous: false };

  let m = SLASH.exec(s);
  if (m) {
    const a = +m[1]!;
    const b = +m[2]!;
    let month: number;
    let day: number;
    if (a > 12 && b <= 12) [day, month] = [a, b];
    else if (a <= 12) [month, day] = [a, b];
    else return null;
    const hour = hour24(+m[4]!, m[8]);
    if (hour === null) return null;
    const date = utc(+m[3]!, month, day, hour, +m[5]!, m[6] ? +m[6] : 0, m[7], 0);
    return date ? { date, ambiguous: a <= 12 && b <= 12 && a !== b } : null;
  }
  m = DOTTED.exec(s);
  if (m) {
    const date = utc(+m[3]!, +m[2]!, +m[1]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, undefined, 0);
    return date ? { date, ambiguous: false } : null;
  }
  m = YMD_SLASH.exec(s);
  if (m) {
    const date = utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, undefined, 0);
    return date ? { date, ambiguous: false } : null;
  }
  return null;
}

function hour24(h: number, meridiem: string | undefined): number | null {
  if (!meridiem) return h;
  if (h < 1 || h > 12) return null;
  const pm = meridiem.toUpperCase().startsWith('P');
  return (h % 12) + (pm ? 12 : 0);
}

/** Minutes east of UTC; undefined/Z = 0; null when malformed. */
function parseOffset(zone: string | undefined): number | null {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return null;
  const h = +m[2]!;
  const min = m[3] ? +m[3] : 0;
  if (h > 23 || min > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (h * 60 + min);
}

/** Validated field-by-field (Date.UTC would silently roll 2025-02-30 into March). */
function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction: string | undefined,
  offsetMinutes: number,
): Date | null {
  if (year < 1000 || month < 1 || month > 12 || day < 1) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = fraction ? Number(`${fraction}00`.slice(0, 3)) : 0; // truncate to milliseconds
  const t = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  return Number.isFinite(t) ? new Date(t) : null;
}
