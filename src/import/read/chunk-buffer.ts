/**
 * What the streaming readers (csv-records.ts, json-values.ts) share: the character codes they scan for, and how
 * they refill their buffer from the chunk stream.
 */
export const QUOTE = 34;
export const BSLASH = 92;
export const LBRACE = 123;
export const RBRACE = 125;
export const LBRACK = 91;
export const RBRACK = 93;
export const NL = 10;
export const CR = 13;
export const SP = 32;
export const TAB = 9;
export const COMMA = 44;
export const COLON = 58;
export const BOM = 0xfeff;

/**
 * The unread rest of a buffer followed by at least `minChars` of new input (less only when the input ends).
 * Readers ask for as much again as they already hold when a value does not end in the buffer, so re-scans of a
 * long value stay linear overall.
 */
export async function refill(chunks: AsyncIterator<string>, rest: string, minChars: number): Promise<{ text: string; eof: boolean }> {
  const parts: string[] = [rest];
  let got = 0;
  let eof = false;
  while (got < minChars) {
    const r = await chunks.next();
    if (r.done) {
      eof = true;
      break;
    }
    if (r.value.length === 0) continue;
    parts.push(r.value);
    got += r.value.length;
  }
  return { text: parts.length === 1 ? parts[0]! : parts.join(''), eof };
}
