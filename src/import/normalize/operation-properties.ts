import type { MailAccessType } from '../types';
import { bool, field, isObject, text } from './values';

export interface MailAccessProperties {
  mailAccessType: MailAccessType | null;
  isThrottled: boolean | null;
}

/**
 * MailAccessType / IsThrottled from `OperationProperties`, always BY NAME (quirk 19: order varies, IsThrottled may be
 * missing; community queries that index `[1]` are wrong). Accepts the Name/Value list, a plain map, the list as JSON
 * text, and the flattened Search-MailboxAuditLog text (`{MailAccessType:Bind, IsThrottled:False}`).
 * Falls back to top-level `MailAccessType` / `IsThrottled` columns that some tools write.
 */
export function mailAccessProperties(auditData: unknown): MailAccessProperties {
  const found = fromOperationProperties(field(auditData, 'OperationProperties'));
  const mailAccessType = found.mailAccessType ?? accessType(field(auditData, 'MailAccessType'));
  const isThrottled = found.isThrottled ?? bool(field(auditData, 'IsThrottled'));
  return { mailAccessType, isThrottled };
}

function fromOperationProperties(value: unknown): MailAccessProperties {
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('[') || t.startsWith('{')) {
      const parsed = tryJson(t);
      if (parsed !== undefined && typeof parsed === 'object' && parsed !== null) return fromOperationProperties(parsed);
    }
    return fromText(t);
  }
  if (Array.isArray(value)) return fromNameValueList(value);
  if (isObject(value)) {
    // A single {Name, Value} entry, or a map such as Sentinel's dynamic column.
    if (field(value, 'Name') !== undefined) return fromNameValueList([value]);
    return { mailAccessType: accessType(field(value, 'MailAccessType')), isThrottled: bool(field(value, 'IsThrottled')) };
  }
  return { mailAccessType: null, isThrottled: null };
}

function fromNameValueList(list: unknown[]): MailAccessProperties {
  let mailAccessType: MailAccessType | null = null;
  let isThrottled: boolean | null = null;
  for (const entry of list) {
    const name = text(field(entry, 'Name'))?.toLowerCase();
    const value = field(entry, 'Value');
    if (name === 'mailaccesstype' && mailAccessType === null) mailAccessType = accessType(value);
    else if (name === 'isthrottled' && isThrottled === null) isThrottled = bool(value);
  }
  return { mailAccessType, isThrottled };
}

function fromText(t: string): MailAccessProperties {
  const type = /MailAccessType"?\s*[:=]\s*"?([A-Za-z]+)/i.exec(t);
  const throttled = /IsThrottled"?\s*[:=]\s*"?([A-Za-z]+)/i.exec(t);
  return {
    mailAccessType: type ? accessType(type[1]) : null,
    isThrottled: throttled ? bool(throttled[1]) : null,
  };
}

function accessType(v: unknown): MailAccessType | null {
  const t = text(v)?.toLowerCase();
  if (t === 'bind') return 'BIND';
  if (t === 'sync') return 'SYNC';
  return null;
}

function tryJson(t: string): unknown {
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}
