import { enrichmentDataFile, lazily } from './data-dir';
import { ipWords, type IpWords } from './ip-number';
import { RangeTable } from './range-table';
import { specialRange } from './special-ranges';

export interface AsnInfo {
  asn: number;
  organization: string | null;
}

/** ISO 3166-1 alpha-2 code per range (@ip-location-db/geo-whois-asn-country). */
export const countryTable = lazily(() => RangeTable.load<string>(enrichmentDataFile('ip-country.bin.br'), 'country'));
/** [AS number, organisation] per range (@ip-location-db/asn). */
export const asnTable = lazily(() => RangeTable.load<[number, string]>(enrichmentDataFile('ip-asn.bin.br'), 'asn'));

/** ISO country code of the network an address belongs to; null for non-IP text and addresses without data. */
export function ipCountry(address: string): string | null {
  const ip = ipWords(address);
  return ip ? ipCountryOf(ip) : null;
}

/** The autonomous system announcing the address, with its organisation name when the source has one. */
export function ipAsn(address: string): AsnInfo | null {
  const ip = ipWords(address);
  return ip ? ipAsnOf(ip) : null;
}

// Special-purpose addresses have no location; the sources wrongly place some of them (2001:db8::/32 in JP).
export function ipCountryOf(ip: IpWords): string | null {
  return specialRange(ip) ? null : countryTable().lookup(ip);
}

export function ipAsnOf(ip: IpWords): AsnInfo | null {
  const found = specialRange(ip) ? null : asnTable().lookup(ip);
  return found ? { asn: found[0], organization: found[1] || null } : null;
}
