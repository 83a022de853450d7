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
