/** PostgreSQL COPY text format: one row per line, tab-separated, \N for NULL, backslash escapes. */

const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function copyValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export function copyRow(values: (string | number | boolean | null | undefined)[]): string {
  let line = copyValue(values[0]);
  for (let i = 1; i < values.length; i++) line += '\t' + copyValue(values[i]);
  return line + '\n';
}
