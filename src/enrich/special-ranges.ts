import { inCidr, parseCidr, type Cidr, type IpWords } from './ip-number';
import type { IpKind } from './ip-kind';

/**
 * IANA special-purpose ranges (IPv4 RFC 6890 registry, IPv6 registry). PRIVATE stands for every range that is
 * not a globally reachable host and not loopback, link-local or unspecified (RFC 1918, ULA, CGNAT, multicast,
 * reserved). Documentation ranges stay PUBLIC: test data and redacted exports use them as client addresses, and
 * an investigator pivots on them like on any other; only the geo lookups skip them (they have no location).
 * First match wins, so narrower rows come first.
 */
const SPECIAL_RANGES: readonly { cidr: string; kind: IpKind; name: string }[] = [
  { cidr: '0.0.0.0/32', kind: 'UNSPECIFIED', name: 'this host' },
  { cidr: '0.0.0.0/8', kind: 'PRIVATE', name: 'this network' },
  { cidr: '10.0.0.0/8', kind: 'PRIVATE', name: 'private (RFC 1918)' },
  { cidr: '100.64.0.0/10', kind: 'PRIVATE', name: 'shared address space, carrier-grade NAT (RFC 6598)' },
  { cidr: '127.0.0.0/8', kind: 'LOOPBACK', name: 'loopback' },
  { cidr: '169.254.0.0/16', kind: 'LINK_LOCAL', name: 'link-local' },
  { cidr: '172.16.0.0/12', kind: 'PRIVATE', name: 'private (RFC 1918)' },
  { cidr: '192.0.0.0/24', kind: 'PRIVATE', name: 'IETF protocol assignments' },
  { cidr: '192.0.2.0/24', kind: 'PUBLIC', name: 'documentation (TEST-NET-1)' },
  { cidr: '192.168.0.0/16', kind: 'PRIVATE', name: 'private (RFC 1918)' },
  { cidr: '198.18.0.0/15', kind: 'PRIVATE', name: 'benchmarking' },
  { cidr: '198.51.100.0/24', kind: 'PUBLIC', name: 'documentation (TEST-NET-2)' },
  { cidr: '203.0.113.0/24', kind: 'PUBLIC', name: 'documentation (TEST-NET-3)' },
  { cidr: '224.0.0.0/4', kind: 'PRIVATE', name: 'multicast' },
  { cidr: '240.0.0.0/4', kind: 'PRIVATE', name: 'reserved, broadcast' },
  { cidr: '::/128', kind: 'UNSPECIFIED', name: 'unspecified' },
  { cidr: '::1/128', kind: 'LOOPBACK', name: 'loopback' },
  { cidr: '::/8', kind: 'PRIVATE', name: 'reserved (IPv4-compatible, deprecated)' },
  { cidr: '64:ff9b:1::/48', kind: 'PRIVATE', name: 'local-use NAT64' },
  { cidr: '100::/64', kind: 'PRIVATE', name: 'discard-only' },
  { cidr: '2001:db8::/32', kind: 'PUBLIC', name: 'documentation' },
  { cidr: '3fff::/20', kind: 'PUBLIC', name: 'documentation' },
  { cidr: 'fc00::/7', kind: 'PRIVATE', name: 'unique local (ULA)' },
  { cidr: 'fe80::/10', kind: 'LINK_LOCAL', name: 'link-local' },
  { cidr: 'fec0::/10', kind: 'PRIVATE', name: 'site-local (deprecated)' },
  { cidr: 'ff00::/8', kind: 'PRIVATE', name: 'multicast' },
];

const parsed: readonly (Cidr & { kind: IpKind; name: string })[] = SPECIAL_RANGES.map((r) => ({
  ...parseCidr(r.cidr),
  kind: r.kind,
  name: r.name,
}));

/** The special-purpose range an address is in, or null for an ordinary global address. */
export function specialRange(ip: IpWords): { kind: IpKind; name: string } | null {
  return parsed.find((r) => inCidr(ip, r)) ?? null;
}
