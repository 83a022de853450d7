/**
 * Argument checks shared by the resolvers: forgiving about spelling (the importer's own normalisers decide what an
 * IP or a message id is), strict about nonsense, with messages that say what to fix.
 */
import { canonicalIp, canonicalMessageId } from '../../../import/normalize';
import { UserInputError } from '../../../errors';

export function ipArg(value: string, name = 'address'): string {
  const ip = canonicalIp(value);
  if (!ip) {
    throw new UserInputError(
      `${name}: ${JSON.stringify(value)} is not an IP address: use IPv4 like 203.0.113.7 or IPv6 like 2001:db8::1; a port or [brackets] are fine`,
    );
  }
  return ip.address;
}

/**
 * A client address filter: any spelling of an IP (canonicalised), or the text of a non-IP address some record came
 * from (localhost, fe80::1%eth0: `known` asks, one statement, for non-IPs only). Anything else is refused.
 */
export async function addressArg(value: string | null | undefined, name: string, known: (text: string) => Promise<boolean>): Promise<string | null> {
  if (value === null || value === undefined || value.trim() === '') return null;
  if (canonicalIp(value)) return ipArg(value, name);
  return (await known(value)) ? value : ipArg(value, name);
}

export function optionalIpArg(value: string | null | undefined, name: string): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : ipArg(value, name);
}

/** null or [] = no restriction. */
export function ipListArg(values: string[] | null | undefined, name: string): string[] | null {
  if (!values || values.length === 0) return null;
  return [...new Set(values.map((v) => ipArg(v, name)))];
}

export function messageIdArg(value: string): string {
  const id = canonicalMessageId(value);
  if (!id) throw new UserInputError('internetMessageId is empty: pass the InternetMessageId, with or without <angle brackets>.');
  return id.canonical;
}

/** Mailbox UPNs are stored lower-cased. */
export function upnArg(value: string, name = 'userPrincipalName'): string {
  const upn = value.trim().toLowerCase();
  if (!upn) throw new UserInputError(`${name} is empty: pass the mailbox owner's UPN, e.g. alice@contoso.com.`);
  return upn;
}

export function optionalUpnArg(value: string | null | undefined, name: string): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : upnArg(value, name);
}

/** null or [] = no restriction; blanks dropped. */
export function textListArg(values: string[] | null | undefined): string[] | null {
  const list = (values ?? []).map((v) => v.trim()).filter(Boolean);
  return list.length ? [...new Set(list)] : null;
}

export function intArg(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserInputError(`${name} must be between ${min} and ${max} (got ${value}).`);
  }
  return value;
}
