import { isIP } from 'node:net';
import type { CanonicalIp } from '../types';

/**
 * Client IPs arrive as `1.2.3.4`, `1.2.3.4:5678`, `[v6]:443`, `[v6]`, upper-case or uncompressed IPv6, and
 * `::ffff:v4` (quirks 27-29). One canonical text per address lets the DB group and compare them.
 */
export function canonicalIp(input: string): CanonicalIp | null {
  if (typeof input !== 'string') return null;
  const s = input.trim();
  if (s === '' || s.length > 100) return null;

  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return null;
    const rest = s.slice(close + 1);
    if (rest !== '' && !isPort(rest)) return null;
    return canonicalBare(s.slice(1, close));
  }

  // `v4:port` is unambiguous; a bare IPv6 is never split on its last colon (`2001:db8::1:443` is an address).
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(s);
  if (v4port) return isPort(':' + v4port[2]) ? canonicalBare(v4port[1]!) : null;

  return canonicalBare(s);
}

function isPort(rest: string): boolean {
  const m = /^:(\d{1,5})$/.exec(rest);
  return m !== null && Number(m[1]) <= 65535;
}

function canonicalBare(s: string): CanonicalIp | null {
  if (s.includes('%')) return null; // zone ids are link-local noise, not a client address
  const v4 = canonicalV4(s);
  if (v4) return { address: v4, version: 4 };
  if (isIP(s) !== 6) return null;
  const groups = v6Groups(s);
  if (!groups) return null;
  // IPv4-mapped (::ffff:a.b.c.d, also written ::ffff:102:304): the client is an IPv4 client.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6]!, groups[7]!];
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, version: 4 };
  }
  return { address: compressV6(groups), version: 6 };
}

/** Dotted quad without leading zeros (`010.1.1.1` could be read as octal; refuse rather than guess). */
function canonicalV4(s: string): string | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
  }
  return parts.join('.');
}

/** Eight 16-bit groups; the input has already passed net.isIP(…) === 6. */
function v6Groups(s: string): number[] | null {
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (i === pieces.length - 1 && p.includes('.')) {
        const v4 = canonicalV4(p);
        if (!v4) return null;
        const o = v4.split('.').map(Number);
        out.push((o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const fill = 8 - head.length - tail.length;
  if (fill < 1) return null;
  return [...head, ...new Array<number>(fill).fill(0), ...tail];
}

/** RFC 5952: lower-case hex, no leading zeros, longest zero run (length >= 2, leftmost on tie) becomes `::`. */
function compressV6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
