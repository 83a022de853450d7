import { ipAsnOf, ipCountryOf } from './geo';
import { ipKindOf, type IpKind } from './ip-kind';
import { ipWords } from './ip-number';

export { appDisplayName } from './apps';
export { parseClientInfo, type ClientFamily, type ClientInfo } from './client-info';
export { ipAsn, ipCountry, type AsnInfo } from './geo';
export { IP_KINDS, ipKind, type IpKind } from './ip-kind';

export interface IpEnrichment {
  kind: IpKind;
  country: string | null;
  asn: number | null;
  asOrganization: string | null;
}

/**
 * Everything the shipped data says about one client address (ClientIp.kind/country/asn/asOrganization).
 * Pure and synchronous; the first call loads the tables (see data/enrichment/SOURCES.md for the cost).
 */
export function enrichIp(address: string): IpEnrichment {
  const ip = ipWords(address);
  if (!ip) return { kind: 'NOT_AN_IP', country: null, asn: null, asOrganization: null };
  const asn = ipAsnOf(ip);
  return { kind: ipKindOf(ip), country: ipCountryOf(ip), asn: asn?.asn ?? null, asOrganization: asn?.organization ?? null };
}
