/** A plain-text table for list commands: columns padded to their widest cell, two spaces apart. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

/** A time in a table cell, to the minute in UTC (`2025-03-10 04:05Z`); `-` for none. */
export function tableTime(d: Date | null): string {
  return d ? d.toISOString().slice(0, 16).replace('T', ' ') + 'Z' : '-';
}
