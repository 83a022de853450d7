/**
 * Answers about presumed exposure computed straight from the fixture incident's records (records.json), by rules
 * written out here apart from the product's SQL: the reference the product's answers are checked against.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const records: any[] = require('../fixtures/incident/records.json');

const canonical = (id: string) => `<${id.trim().replace(/^<|>$/g, '')}>`;
const accessType = (r: any) => (r.OperationProperties ?? []).find((p: any) => p.Name === 'MailAccessType')?.Value;
const owner = (r: any) => String(r.MailboxOwnerUPN ?? r.UserId).toLowerCase();
const time = (r: any) => new Date(`${String(r.CreationTime).slice(0, 19)}Z`).getTime();

interface Bind {
  upn: string;
  path: string;
  id: string;
  at: number;
  sessionId: string | undefined;
}

function binds(upns: string[]): Bind[] {
  return records
    .filter((r) => r.Operation === 'MailItemsAccessed' && accessType(r) === 'Bind' && upns.includes(owner(r)))
    .flatMap((r) => (r.Folders ?? []).flatMap((f: any) => (f.FolderItems ?? []).map((i: any) => ({ upn: owner(r), path: f.Path, id: canonical(i.InternetMessageId), at: time(r), sessionId: r.SessionId }))));
}

function syncs(upns: string[], sessionIds: string[] | null) {
  return records
    .filter((r) => r.Operation === 'MailItemsAccessed' && accessType(r) === 'Sync' && upns.includes(owner(r)) && (!sessionIds || sessionIds.includes(r.SessionId)))
    .map((r) => ({ upn: owner(r), path: String(r.Item?.ParentFolder?.Path ?? r.Folders?.[0]?.Path), at: time(r) }));
}

/** Presumed (Sync, message) pairs of a mailbox: [syncedAt ISO, folder path, InternetMessageId, evidence], sorted. */
export function presumedReference(upn: string, sessionIds: string[] | null): string[][] {
  const all = binds([upn]);
  const out: string[][] = [];
  for (const s of syncs([upn], sessionIds)) {
    const firstBind = new Map<string, number>();
    for (const b of all) if (b.path === s.path) firstBind.set(b.id, Math.min(firstBind.get(b.id) ?? Infinity, b.at));
    for (const [id, at] of firstBind) out.push([new Date(s.at).toISOString(), s.path, id, at <= s.at ? 'BOUND_BEFORE' : 'BOUND_AFTER']);
  }
  return out.sort((a, b) => (a.join(' ') < b.join(' ') ? -1 : 1));
}

/** Notification list rows "upn InternetMessageId TIER" for these sessions, sorted. */
export function notificationReference(upns: string[], sessionIds: string[]): string[] {
  const all = binds(upns);
  const confirmed = new Set(all.filter((b) => b.sessionId && sessionIds.includes(b.sessionId)).map((b) => `${b.upn} ${b.id}`));
  const presumed = new Set<string>();
  for (const s of syncs(upns, sessionIds)) for (const b of all) if (b.upn === s.upn && b.path === s.path && !confirmed.has(`${b.upn} ${b.id}`)) presumed.add(`${b.upn} ${b.id}`);
  const throttled = records.filter(
    (r) => upns.includes(owner(r)) && (r.OperationProperties ?? []).some((p: any) => p.Name === 'IsThrottled' && p.Value === 'True'),
  );
  return [
    ...[...confirmed].map((k) => `${k} CONFIRMED`),
    ...[...presumed].map((k) => `${k} PRESUMED`),
    ...new Set(throttled.map((r) => `${owner(r)} * UNKNOWN`)),
  ].sort();
}
