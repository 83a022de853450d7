/**
 * Lines an export may carry before its CSV header: `#TYPE System.Management.Automation.PSCustomObject` from
 * Windows PowerShell's Export-Csv, and Excel's `sep=X`, which names the delimiter. Both may be quoted. One rule,
 * used by detection (detect.ts) and by reading (index.ts), so both agree on where the header is.
 */
export interface Preamble {
  /** The delimiter a `sep=` line names; null when it names none. */
  delimiter: string | null;
}

const TYPE_LINE = /^"?#TYPE\b/i;
const SEP_LINE = /^"?sep=([^"]?)"?$/i;

/** The preamble this line is, or null when it is not one (it is the header or data). */
export function csvPreamble(lineText: string): Preamble | null {
  const t = lineText.trim();
  if (TYPE_LINE.test(t)) return { delimiter: null };
  const sep = SEP_LINE.exec(t);
  if (sep) return { delimiter: sep[1] || null };
  return null;
}
