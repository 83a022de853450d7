import { readFileSync } from 'node:fs';
import { enrichmentDataFile, lazily } from './data-dir';
import { inCidr, ipWords, parseCidr, type IpWords } from './ip-number';
import { specialRange } from './special-ranges';

export type IpKind = 'PUBLIC' | 'PRIVATE' | 'LOOPBACK' | 'LINK_LOCAL' | 'UNSPECIFIED' | 'MICROSOFT' | 'NOT_AN_IP';
export const IP_KINDS: readonly IpKind[] = ['PUBLIC', 'PRIVATE', 'LOOPBACK', 'LINK_LOCAL', 'UNSPECIFIED', 'MICROSOFT', 'NOT_AN_IP'];

interface MicrosoftRangesFile {
  published: { cidrs: string[] };
  backEnd: { cidrs: { cidr: string }[] };
}

/** Exchange Online / Microsoft 365 service ranges (data/enrichment/microsoft-ranges.json). */
export const microsoftRanges = lazily(() => {
  const file = JSON.parse(readFileSync(enrichmentDataFile('microsoft-ranges.json'), 'utf8')) as MicrosoftRangesFile;
  return [...file.published.cidrs, ...file.backEnd.cidrs.map((c) => c.cidr)].map(parseCidr);
});

/**
 * What kind of address a client IP is. `address` is the importer's canonical text; anything that is not an IP
 * (`localhost`, `fe80::1%eth0`) is NOT_AN_IP and the caller keeps the text as written.
 */
export function ipKind(address: string): IpKind {
  const ip = ipWords(address);
  return ip ? ipKindOf(ip) : 'NOT_AN_IP';
}

export function ipKindOf(ip: IpWords): IpKind {
  const special = specialRange(ip);
  if (special && special.kind !== 'PUBLIC') return special.kind;
  // Microsoft's back end reads mail on a client's behalf: the address says nothing about who the client was.
  if (microsoftRanges().some((range) => inCidr(ip, range))) return 'MICROSOFT';
  return 'PUBLIC';
}
