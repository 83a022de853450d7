/**
 * Pure planning of one chunk: which records are new (first occurrence of each key, not already stored), and the
 * per-mailbox / session / IP / link aggregates they add. The writer turns the plan into SQL. No I/O here.
 */
import { appKey, isAppOnly } from '../normalize/app-identity';
import { MAX_VERBATIM_ADDRESS } from '../normalize/notes';
import type { NormalizedRecord, SessionKind } from '../types';

/** A normalised record plus what the loader needs to store it verbatim and say where it came from. */
export interface StagedRecord {
  record: NormalizedRecord;
  rawJson: string;
  /** False when rawJson is a serialisation, not the bytes as read (see SourceRecord.rawExact). */
  rawExact?: boolean;
  line: number;
  /**
   * Whether rawJson holds a NUL escape, told by the worker thread that posted the record without its text (prepare.ts);
   * undefined: look at rawJson (nul-text.ts).
   */
  hasNul?: boolean;
}

export interface Activity {
  first: Date;
  last: Date;
  count: number;
  throttled: number;
}

export interface ChunkPlan {
  fresh: StagedRecord[];
  mailboxes: Map<string, Activity & { guid: string | null; tenant: string | null }>;
  sessions: Map<string, Activity & { kind: SessionKind; entra: string | null }>;
  clientIps: Map<string, Activity & { version: number }>;
  /** Client addresses that are not IPs, as written (MAX_VERBATIM_ADDRESS at most): ClientIps of kind NOT_AN_IP. */
  nonIpAddresses: Map<string, Activity>;
  /** By app key (appKey): `appOnly` counts its records without a signed-in user. */
  apps: Map<string, Activity & { appOnly: number }>;
  /** Folders referenced by the fresh records, per mailbox UPN: folder key -> path (first seen). */
  folders: Map<string, Map<string, string>>;
  /** Bind records that list messages but have no mailbox to attribute them to. */
  unattributedBindRecords: number;
}

/**
 * Counts one record at `at` into an activity (first/last seen, count), made by `make(source, at)` when new. A key
 * already seen allocates nothing: this runs several times per record on the loading thread.
 */
function touch<T extends Activity, S>(map: Map<string, T>, key: string, at: Date, throttled: boolean, source: S, make: (source: S, at: Date) => T): T {
  let a = map.get(key);
  if (!a) {
    a = make(source, at);
    map.set(key, a);
  } else {
    if (at < a.first) a.first = at;
    if (at > a.last) a.last = at;
  }
  a.count += 1;
  if (throttled) a.throttled += 1;
  return a;
}

/** The text a record's non-IP client address is kept under as a ClientIp, or null (an IP, none, or too long). */
export function verbatimAddress(r: StagedRecord['record']): string | null {
  return !r.clientIp && r.clientIpRaw !== null && r.clientIpRaw.length <= MAX_VERBATIM_ADDRESS ? r.clientIpRaw : null;
}

/**
 * The client address as written, kept only where the client IP would not give it back: an IPv4 address written in
 * its canonical form (most records) is NULL, ~15 bytes per record; the API answers clientIpRaw from the client IP
 * then. IPv6 is always kept, so its spelling never depends on how PostgreSQL prints an inet.
 */
export function storedRawAddress(r: StagedRecord['record']): string | null {
  return r.clientIp?.version === 4 && r.clientIpRaw === r.clientIp.address ? null : r.clientIpRaw;
}

/**
 * UserId, kept only where it is not the record's mailbox UPN exactly (the owner's own access, most records: ~20 bytes
 * each). The mailbox row holds that UPN as the key it was upserted by, so the API gives the same text back.
 */
export function storedUserId(r: StagedRecord['record']): string | null {
  return r.mailboxUpn !== null && r.userId === r.mailboxUpn ? null : r.userId;
}

// What touch makes for a key not seen yet (each map's objects of one shape).
const newActivity = (_: null, at: Date): Activity => ({ first: at, last: at, count: 0, throttled: 0 });
const newMailbox = (r: StagedRecord['record'], at: Date) => ({ first: at, last: at, count: 0, throttled: 0, guid: r.mailboxGuid, tenant: r.tenantId });
const newSession = (s: NonNullable<StagedRecord['record']['session']>, at: Date) => ({
  first: at, last: at, count: 0, throttled: 0, kind: s.kind, entra: s.entraSessionId,
});
const newApp = (_: null, at: Date) => ({ first: at, last: at, count: 0, throttled: 0, appOnly: 0 });
const newClientIp = (version: number, at: Date) => ({ first: at, last: at, count: 0, throttled: 0, version });
const newLink = (pair: [string, string], at: Date) => ({ first: at, last: at, count: 0, throttled: 0, a: pair[0], b: pair[1] });

export function planChunk(records: StagedRecord[], existingKeys: Set<string>): ChunkPlan {
  const plan: ChunkPlan = {
    fresh: [],
    mailboxes: new Map(),
    sessions: new Map(),
    clientIps: new Map(),
    nonIpAddresses: new Map(),
    apps: new Map(),
    folders: new Map(),
    unattributedBindRecords: 0,
  };
  const seen = new Set<string>();
  for (const staged of records) {
    const r = staged.record;
    // The first occurrence of a key wins (the Management API repeats records).
    if (existingKeys.has(r.recordKey) || seen.has(r.recordKey)) continue;
    seen.add(r.recordKey);
    plan.fresh.push(staged);
    const at = r.creationTime;
    const throttled = r.isThrottled === true;
    if (r.mailboxUpn) {
      const m = touch(plan.mailboxes, r.mailboxUpn, at, throttled, r, newMailbox);
      m.guid ??= r.mailboxGuid;
      m.tenant ??= r.tenantId;
      if (r.messageAccesses.length || r.folderSyncs.length) {
        let folders = plan.folders.get(r.mailboxUpn);
        if (!folders) plan.folders.set(r.mailboxUpn, (folders = new Map()));
        for (const f of [...r.messageAccesses, ...r.folderSyncs]) if (!folders.has(f.folderKey)) folders.set(f.folderKey, f.folderPath);
      }
    } else if (r.messageAccesses.length || r.folderSyncs.length) {
      plan.unattributedBindRecords += 1;
    }
    if (r.session) {
      const s = touch(plan.sessions, r.session.key, at, throttled, r.session, newSession);
      s.entra ??= r.session.entraSessionId;
    }
    const app = appKey(r);
    if (app) touch(plan.apps, app, at, throttled, null, newApp).appOnly += isAppOnly(r) ? 1 : 0;
    if (r.clientIp) touch(plan.clientIps, r.clientIp.address, at, throttled, r.clientIp.version, newClientIp);
    else if (verbatimAddress(r) !== null) touch(plan.nonIpAddresses, r.clientIpRaw!, at, throttled, null, newActivity);
  }
  return plan;
}

/** Who-used-what links of the fresh records (pairs of dimension ids), once those ids are known. */
export function linkActivity(
  fresh: StagedRecord[],
  pairs: ([string | undefined, string | undefined] | null)[],
): Map<string, Activity & { a: string; b: string }> {
  const links = new Map<string, Activity & { a: string; b: string }>();
  for (let i = 0; i < fresh.length; i++) {
    const pair = pairs[i];
    if (!pair || pair[0] === undefined || pair[1] === undefined) continue;
    touch(links, `${pair[0]}|${pair[1]}`, fresh[i].record.creationTime, false, pair as [string, string], newLink);
  }
  return links;
}
