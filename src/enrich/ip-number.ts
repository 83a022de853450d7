import { canonicalIp } from '../import/normalize';

/**
 * An address as 32-bit words, most significant first: one word for IPv4, four for IPv6. Comparing words in
 * order compares addresses, which is all range lookups need.
 */
export interface IpWords {
  version: 4 | 6;
  words: readonly number[];
}

/** Null for text that is not an IP address (`localhost`, `fe80::1%eth0`); the caller keeps that text verbatim. */
export function ipWords(address: string): IpWords | null {
  const ip = canonicalIp(address);
  if (!ip) return null;
  if (ip.version === 4) {
    const [a, b, c, d] = ip.address.split('.').map(Number) as [number, number, number, number];
    return { version: 4, words: [((a << 24) | (b << 16) | (c << 8) | d) >>> 0] };
  }
  return { version: 6, words: v6Words(ip.address) };
}

/** From the canonical text only: hex groups with at most one `::` (canonicalIp wrote it). */
function v6Words(canonical: string): number[] {
  const [head, tail] = canonical.split('::') as [string, string | undefined];
  const groups = (part: string | undefined): number[] => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return [0, 1, 2, 3].map((i) => ((all[2 * i]! << 16) | all[2 * i + 1]!) >>> 0);
}

export interface Cidr {
  version: 4 | 6;
  words: readonly number[];
  prefixLength: number;
}

/** `2603:10b6::/32`, `40.96.0.0/13`; throws on anything else (CIDRs come from the shipped data, not from users). */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const ip = slash > 0 ? ipWords(text.slice(0, slash)) : null;
  const prefixLength = Number(text.slice(slash + 1));
  if (!ip || !/^\d{1,3}$/.test(text.slice(slash + 1)) || prefixLength > ip.words.length * 32) {
    throw new Error(`not a CIDR: ${text}`);
  }
  return { version: ip.version, words: ip.words, prefixLength };
}

export function inCidr(ip: IpWords, cidr: Cidr): boolean {
  if (ip.version !== cidr.version) return false;
  let bits = cidr.prefixLength;
  for (let i = 0; bits > 0; i++, bits -= 32) {
    const mask = bits >= 32 ? 0xffffffff : ~(0xffffffff >>> bits);
    if (((ip.words[i]! ^ cidr.words[i]!) & mask) !== 0) return false;
  }
  return true;
}
