/** CSV as RFC 4180 writes it: every field quoted when it holds a comma, quote, CR or LF; dates as ISO 8601. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Text with a leading =, +, -, @ (tab, CR) would be a formula to a spreadsheet, "-1+cmd|..." too: prefixed with '
  // (OWASP CSV injection). Numbers stay numbers.
  const safe = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}
