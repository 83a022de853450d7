/**
 * Writes a large, realistic, deterministic MailItemsAccessed dataset for the import and query benchmarks.
 *
 *   node dist/bench/generate-dataset.js --records 1000000 --out bench/data/ --format ndjson|purview-csv|both [--seed 42]
 *     [--mailboxes 2000] [--days 28]
 *
 * Records come out in CreationTime order. A few things are planted so the query benchmark knows the answers:
 * an attack session hopping 8 VPN exits across 3 mailboxes (2,000 distinct messages + New-InboxRule), a throttled
 * mailbox (a burst of Binds ending in IsThrottled "True"), an app without SessionId, an all-hands message read in
 * many mailboxes, and an office NAT IP shared by thousands of sessions. They are listed in `<out>/manifest.json`.
 * Only node built-ins; nothing is held in memory beyond ~1 MB of output and the small planted list.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';

export type OutputFormat = 'ndjson' | 'purview-csv' | 'both';

export interface DatasetOptions {
  records: number;
  seed: number;
  mailboxes: number;
  days: number;
  /** First instant, ISO without zone (UTC). */
  start: string;
}

export type AuditData = Record<string, unknown> & { CreationTime: string; Id: string; Operation: string; RecordType: number; UserId: string };

export const DEFAULT_OPTIONS: DatasetOptions = { records: 1_000_000, seed: 42, mailboxes: 2000, days: 28, start: '2025-02-03T00:00:00' };

const ORG_ID = '3f9b2c71-5d4e-4a8b-9c1f-7e6d5a4b3c21';
const ORG_NAME = 'contoso.onmicrosoft.com';
const DOMAIN = 'contoso.com';
const OWA_APP = '00000002-0000-0ff1-ce00-000000000000';
const OUTLOOK_APP = 'd3590ed6-52b3-4102-aeff-aad2292ab01c';
const MOBILE_APP = '27922004-5251-4030-b22d-91ecd9a37ea4';
const BENCH_APP_ID = '7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const NAT_IP = '198.18.0.10';
const APP_IP = '2603:10b6:930:3d::7';
const DAY_MS = 86_400_000;
const FOLDERS = ['\\Inbox', '\\Sent Items', '\\Drafts', '\\Archive', '\\Deleted Items', '\\Inbox\\Projects', '\\Inbox\\Invoices', '\\Boîte de réception'];
const FOLDER_WEIGHTS = [0.55, 0.15, 0.04, 0.1, 0.04, 0.06, 0.05, 0.01];
const SERVERS = ['AM8PR04MB7745 (15.20.8466.020)\r\n', 'DB9PR04MB8429 (15.20.8466.020)\r\n', 'PAXPR04MB8173 (15.20.8489.017)\r\n', 'SA2PR06MB7369 (15.20.8466.020)\n'];
const ATTACK_IPS = ['203.0.113.10', '198.51.100.23', '2001:db8:85a3::8a2e:370:7334', '203.0.113.45', '198.51.100.77', '2001:db8:dead:beef::15', '203.0.113.201', '198.51.100.142'];
/** How each attack IP is spelt in ClientIPAddress (QUIRKS 28); canonical form is ATTACK_IPS. */
const ATTACK_IP_SPELLINGS = ['203.0.113.10', '::ffff:198.51.100.23', '2001:0DB8:85A3:0000:0000:8A2E:0370:7334', '203.0.113.45',
  '198.51.100.77', '2001:DB8:DEAD:BEEF::15', '203.0.113.201', '198.51.100.142'];

// ------------------------------------------------------------------------------------------------ randomness

/** sfc32: small, fast, deterministic. */
export function makeRng(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 + seed;
  let c = 0xb7e15162 ^ (seed << 7);
  let d = 1;
  const next = (): number => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** Stateless 32-bit hash of integers (for ids that must be the same wherever they are computed). */
function mix(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) {
    h = Math.imul(h ^ (x | 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    h = Math.imul(h, 0x297a2d39);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_UP = HEX.map((h) => h.toUpperCase());
const hex8 = (x: number): string => HEX[x >>> 24] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];
const hex8Up = (x: number): string => HEX_UP[x >>> 24] + HEX_UP[(x >>> 16) & 255] + HEX_UP[(x >>> 8) & 255] + HEX_UP[x & 255];

function guidOf(a: number, b: number, c: number, d: number): string {
  const h = hex8(a) + hex8(b) + hex8(c) + hex8(d);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const stableGuid = (...xs: number[]): string => guidOf(mix(...xs, 1), mix(...xs, 2), mix(...xs, 3), mix(...xs, 4));

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function b64Of(n: number, len: number, salt: number): string {
  let s = '';
  let h = mix(n, salt);
  for (let i = 0; i < len; i++) {
    if (i % 5 === 0) h = mix(h, i, salt);
    s += B64[h & 63];
    h >>>= 6;
  }
  return s;
}

// ------------------------------------------------------------------------------------------------ the tenant

interface MailboxInfo {
  upn: string;
  guid: string;
  sid: string;
  puid: string;
  homeIp: string;
  mobileIp: string;
  folderIds: string[];
}

function buildMailboxes(count: number, seed: number): MailboxInfo[] {
  const first = ['alex', 'sam', 'jo', 'kim', 'lee', 'max', 'ana', 'eva', 'ian', 'mia', 'noa', 'oli', 'pat', 'ray', 'tom', 'zoe'];
  const out: MailboxInfo[] = [];
  for (let i = 0; i < count; i++) {
    const upn = `${first[i % first.length]}.${i}@${DOMAIN}`;
    out.push({
      upn,
      guid: stableGuid(seed, 1, i),
      sid: `S-1-5-21-3007612343-326144747-4028531239-${1_000_000 + i * 7}`,
      puid: `1003${hex8Up(mix(seed, 2, i))}${hex8Up(mix(seed, 3, i)).slice(0, 4)}`,
      homeIp: `100.${64 + (i >> 14)}.${(i >> 6) & 255}.${((i & 63) << 2) + 1}`,
      mobileIp: `2001:db8:${(0x1000 + (i >> 8)).toString(16)}:${(i & 255).toString(16)}::${(mix(seed, 4, i) & 0xffff).toString(16)}`,
      folderIds: FOLDERS.map((_, f) => `LgAAAAA${b64Of(i * 16 + f, 43, seed)}AAAAAAEMAAAB`),
    });
  }
  return out;
}

/** Internet message id for message number k (global space; internal mail is shared across mailboxes). */
function messageId(k: number, seed: number): string {
  const host = k % 3 === 0 ? 'DM6PR11MB4091' : k % 3 === 1 ? 'SN6PR04MB4910' : 'AM0PR04MB6433';
  return `<${host}${hex8Up(mix(k, seed, 11))}${hex8Up(mix(k, seed, 12))}${hex8Up(k)}@${host}.namprd04.prod.outlook.com>`;
}

const PERSONAL_BASE = 10_000_000;
/** A message in mailbox u: 30% internal mail from a shared pool of 60k, else one of its ~5k personal messages. */
function pickMessage(rng: () => number, u: number): number {
  return rng() < 0.3 ? Math.floor(rng() * 60_000) : PERSONAL_BASE + u * 10_000 + Math.floor(rng() * 5_000);
}

function pickFolder(rng: () => number): number {
  let x = rng();
  for (let f = 0; f < FOLDER_WEIGHTS.length; f++) {
    x -= FOLDER_WEIGHTS[f];
    if (x < 0) return f;
  }
  return 0;
}

function isoNoZone(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** .NET en-US text as in the Purview export: `3/10/2025 2:14:07 AM`. */
export function usDate(creationTime: string): string {
  const mo = +creationTime.slice(5, 7);
  const d = +creationTime.slice(8, 10);
  const h = +creationTime.slice(11, 13);
  return `${mo}/${d}/${creationTime.slice(0, 4)} ${h % 12 === 0 ? 12 : h % 12}:${creationTime.slice(14, 19)} ${h < 12 ? 'AM' : 'PM'}`;
}

// ------------------------------------------------------------------------------------------------ records

interface Ctx {
  opts: DatasetOptions;
  rng: () => number;
  mbx: MailboxInfo[];
}

function recordId(rng: () => number): string {
  return guidOf((rng() * 4294967296) >>> 0, (rng() * 4294967296) >>> 0, (rng() * 4294967296) >>> 0, (rng() * 4294967296) >>> 0);
}

interface Actor {
  u: number;
  /** Mailbox owner index when the actor is a delegate. */
  owner?: number;
  sessionId?: string;
  ip: string;
  clientInfo: string;
  appId: string;
  logonType?: number;
  userId?: string;
  userType?: number;
  clientAppId?: string;
  appAccessContext?: Record<string, string>;
}

function base(ctx: Ctx, time: string, operation: string, recordType: number, a: Actor): AuditData {
  const owner = ctx.mbx[a.owner ?? a.u];
  const actor = ctx.mbx[a.u];
  const rec: AuditData = {
    CreationTime: time,
    Id: recordId(ctx.rng),
    Operation: operation,
    OrganizationId: ORG_ID,
    RecordType: recordType,
    ResultStatus: 'Succeeded',
    UserKey: a.userType === 5 ? (a.clientAppId as string) : actor.puid,
    UserType: a.userType ?? 0,
    Version: 1,
    Workload: 'Exchange',
    UserId: a.userId ?? actor.upn,
    AppId: a.appId,
  };
  if (a.clientAppId) rec.ClientAppId = a.clientAppId;
  if (a.appAccessContext) rec.AppAccessContext = a.appAccessContext;
  rec.ClientIPAddress = a.ip;
  rec.ClientInfoString = a.clientInfo;
  rec.ExternalAccess = false;
  rec.InternalLogonType = a.logonType ?? 0;
  rec.LogonType = a.logonType ?? 0;
  rec.LogonUserSid = actor.sid;
  rec.MailboxGuid = owner.guid;
  rec.MailboxOwnerSid = owner.sid;
  rec.MailboxOwnerUPN = owner.upn;
  return rec;
}

function finish(rec: AuditData, ctx: Ctx, a: Actor): void {
  rec.OrganizationName = ORG_NAME;
  rec.OriginatingServer = SERVERS[(ctx.rng() * SERVERS.length) | 0];
  if (a.sessionId) rec.SessionId = a.sessionId;
}

function opProps(access: string, throttled: string | null, reversed: boolean): Array<{ Name: string; Value: string }> {
  const a = { Name: 'MailAccessType', Value: access };
  if (throttled === null) return [a];
  const t = { Name: 'IsThrottled', Value: throttled };
  return reversed ? [t, a] : [a, t];
}

interface FolderPick { f: number; messages: number[] }

function bindRecord(ctx: Ctx, time: string, a: Actor, folders: FolderPick[], throttled: string | null = 'False', opCount?: number): AuditData {
  const rng = ctx.rng;
  const owner = ctx.mbx[a.owner ?? a.u];
  const rec = base(ctx, time, 'MailItemsAccessed', 50, a);
  const r = rng();
  rec.OperationProperties = opProps('Bind', r < 0.15 ? null : throttled, r > 0.9);
  finish(rec, ctx, a);
  let items = 0;
  const rich = rng() < 0.5;
  rec.Folders = folders.map(({ f, messages }) => {
    items += messages.length;
    return {
      FolderItems: messages.map((k) => {
        const id = messageId(k, ctx.opts.seed);
        return rich
          ? { Id: `RgAAAAA${b64Of(k, 40, 7)}`, InternetMessageId: id, SizeInBytes: 2048 + (mix(k, 5) % 120_000) }
          : { InternetMessageId: rng() < 0.05 ? id.slice(1, -1) : id };
      }),
      Id: owner.folderIds[f],
      Path: FOLDERS[f],
    };
  });
  rec.OperationCount = opCount ?? items + (rng() < 0.2 ? 1 + ((rng() * 3) | 0) : 0);
  return rec;
}

function syncRecord(ctx: Ctx, time: string, a: Actor, f: number): AuditData {
  const owner = ctx.mbx[a.owner ?? a.u];
  const rec = base(ctx, time, 'MailItemsAccessed', 2, a);
  rec.ClientProcessName = 'OUTLOOK.EXE';
  rec.ClientVersion = '16.0.17928.20114';
  const r = ctx.rng();
  rec.OperationProperties = opProps('Sync', r < 0.2 ? null : 'False', r > 0.9);
  finish(rec, ctx, a);
  if (r < 0.5) {
    rec.Item = { Id: `RgAAAAA${b64Of(mix(a.u, f, Date.parse(`${time}Z`) / 1000), 40, 9)}`, ParentFolder: { Id: owner.folderIds[f], Name: FOLDERS[f].replace(/^.*\\/, ''), Path: FOLDERS[f] } };
  } else {
    rec.Folders = [{ Id: owner.folderIds[f], Path: FOLDERS[f] }];
  }
  return rec;
}

const ITEM_OPS = ['Send', 'Create', 'Update', 'MoveToDeletedItems', 'SoftDelete'];
const SUBJECTS = ['Re: Q3 forecast', 'Invoice 4471', 'Team offsite', 'FW: contract draft', 'Weekly status', 'Lunch?', 'Re: budget approval'];

function itemRecord(ctx: Ctx, time: string, a: Actor, op: string): AuditData {
  const rng = ctx.rng;
  const owner = ctx.mbx[a.owner ?? a.u];
  const group = op === 'MoveToDeletedItems' || op === 'SoftDelete';
  const rec = base(ctx, time, op, group ? 3 : 2, a);
  finish(rec, ctx, a);
  const k = pickMessage(rng, a.owner ?? a.u);
  const subject = SUBJECTS[(rng() * SUBJECTS.length) | 0];
  if (group) {
    const f = op === 'SoftDelete' ? 4 : 0;
    rec.AffectedItems = [{ Id: `RgAAAAA${b64Of(k, 40, 7)}`, InternetMessageId: messageId(k, ctx.opts.seed), ParentFolder: { Id: owner.folderIds[f], Path: FOLDERS[f] }, Subject: subject }];
    rec.CrossMailboxOperation = false;
    rec.Folder = { Id: owner.folderIds[f], Path: FOLDERS[f] };
  } else {
    const f = op === 'Update' ? 0 : 2;
    rec.Item = { Id: `RgAAAAA${b64Of(k, 40, 7)}`, InternetMessageId: messageId(k, ctx.opts.seed), ParentFolder: { Id: owner.folderIds[f], Path: FOLDERS[f] }, SizeInBytes: 2048 + (mix(k, 5) % 120_000), Subject: subject };
    if (op === 'Update') rec.ModifiedProperties = ['IsRead'];
  }
  return rec;
}

// ------------------------------------------------------------------------------------------------ planted scenario

export interface Manifest {
  seed: number;
  records: number;
  mailboxes: number;
  timeRange: { from: string; to: string };
  natIp: string;
  attack: {
    sessionId: string;
    clientIps: string[];
    clientIpSpellings: string[];
    mailboxes: string[];
    boundMessageCount: number;
    bindOperationCount: number;
    bindRecords: number;
    recordCount: number;
    inboxRuleMailbox: string;
    from: string;
    to: string;
  };
  throttled: { mailbox: string; isThrottledAt: string; unauditedWindow: { start: string; end: string }; burstRecords: number };
  app: { clientAppId: string; clientIp: string; approxRecords: number };
  sharedMessage: { internetMessageId: string; mailboxes: number; mailboxSample: string[] };
  sampleMailbox: string;
  sampleSessionId: string;
  files?: Record<string, { path: string; bytes: number }>;
  /** Exact tallies of what was written (generateDataset only). */
  counts?: { byOperation: Record<string, number>; appRecords: number; recordsWithoutSessionId: number };
  generatedInMs?: number;
}

interface Plan {
  planted: AuditData[];
  manifest: Manifest;
}

function plan(ctx: Ctx): Plan {
  const { opts, mbx } = ctx;
  const rng = ctx.rng;
  const start = Date.parse(`${opts.start}Z`);
  const span = opts.days * DAY_MS;
  const planted: AuditData[] = [];
  const M = mbx.length;

  // Attack: day ~60% through the range, 01:00 UTC, ~3 hours.
  const attackDay = Math.floor(opts.days * 0.6);
  const attackStart = start + attackDay * DAY_MS + 3_600_000;
  const victims = [7 % M, 42 % M, 1337 % M].filter((v, i, xs) => xs.indexOf(v) === i);
  const attackSession = stableGuid(opts.seed, 0xa77ac);
  const scale = Math.min(1, opts.records / 200_000);
  const targetMessages = Math.max(30, Math.round(2000 * scale));
  let attackBinds = 0;
  let attackOps = 0;
  let t = attackStart;
  let ipIdx = 0;
  let sent = 0;
  for (let vi = 0; vi < victims.length; vi++) {
    const v = victims[vi];
    const quota = Math.floor(targetMessages / victims.length) + (vi < targetMessages % victims.length ? 1 : 0);
    let j = 0;
    while (j < quota) {
      const nf = 1 + ((rng() * 3) | 0);
      const folders: FolderPick[] = [];
      for (let fi = 0; fi < nf && j < quota; fi++) {
        const n = Math.min(quota - j, 1 + ((rng() * 12) | 0));
        const msgs: number[] = [];
        for (let x = 0; x < n; x++) msgs.push(PERSONAL_BASE + v * 10_000 + j++);
        folders.push({ f: fi === 0 ? 0 : fi === 1 ? 1 : 6, messages: msgs });
      }
      const a: Actor = { u: victims[0], owner: v, sessionId: attackSession, ip: ATTACK_IP_SPELLINGS[ipIdx % 8], clientInfo: 'Client=OWA;Action=ViaProxy', appId: OWA_APP, logonType: v === victims[0] ? 0 : 2 };
      const rec = bindRecord(ctx, isoNoZone(t), a, folders);
      attackBinds++;
      attackOps += rec.OperationCount as number;
      planted.push(rec);
      t += 20_000 + Math.floor(rng() * 40_000);
      if (attackBinds % 6 === 0) ipIdx++;
      if (vi === 0 && sent === 0) {
        sent = 1;
        const ruleTime = isoNoZone(t);
        const victim = mbx[victims[0]];
        planted.push({
          CreationTime: ruleTime, Id: recordId(rng), Operation: 'New-InboxRule', OrganizationId: ORG_ID, RecordType: 1,
          ResultStatus: 'True', UserKey: victim.puid, UserType: 0, Version: 1, Workload: 'Exchange',
          ClientIP: `${ATTACK_IPS[0]}:51234`, ObjectId: `EURPR04A012.prod.outlook.com/Microsoft Exchange Hosted Organizations/${ORG_NAME}/${victim.upn.split('@')[0]}\\..`,
          UserId: victim.upn, AppId: '', ClientAppId: '', ExternalAccess: false, OrganizationName: ORG_NAME,
          OriginatingServer: 'DB9PR04MB8429 (15.20.8466.020)',
          Parameters: [{ Name: 'Name', Value: '..' }, { Name: 'SubjectOrBodyContainsWords', Value: 'invoice;payment;bank' },
            { Name: 'MoveToFolder', Value: 'RSS Subscriptions' }, { Name: 'MarkAsRead', Value: 'True' }, { Name: 'StopProcessingRules', Value: 'True' }],
          SessionId: attackSession,
        });
        t += 15_000;
      }
    }
  }
  const attackEnd = t;

  // Throttled mailbox: a burst of Binds, then IsThrottled "True".
  const thr = 314 % M;
  const thrDay = Math.max(1, Math.floor(opts.days * 0.3));
  const burst = Math.max(10, Math.min(1000, Math.floor(opts.records / 500)));
  let tt = start + thrDay * DAY_MS + 8 * 3_600_000;
  const thrActor: Actor = { u: thr, sessionId: stableGuid(opts.seed, 0x7477, thr), ip: NAT_IP, clientInfo: 'Client=OWA;Action=ViaProxy', appId: OWA_APP };
  for (let i = 0; i < burst; i++) {
    planted.push(bindRecord(ctx, isoNoZone(tt), thrActor, [{ f: 0, messages: [pickMessage(rng, thr)] }]));
    tt += 8_000 + Math.floor(rng() * 8_000);
  }
  const thrTime = isoNoZone(tt);
  planted.push(bindRecord(ctx, thrTime, thrActor, [{ f: 0, messages: [pickMessage(rng, thr), pickMessage(rng, thr)] }], 'True'));
  // bindRecord may drop IsThrottled at random; the flagged record must carry it.
  const last = planted[planted.length - 1];
  last.OperationProperties = opProps('Bind', 'True', false);

  // The all-hands message, read in up to 300 mailboxes on day 1 by their owners.
  const shared = 5_000_000; // outside the random pools: only these planted reads touch it
  const sharedCount = Math.min(M, 300);
  const sharedMailboxes: string[] = [];
  for (let i = 0; i < sharedCount; i++) {
    const u = (i * 7) % M;
    sharedMailboxes.push(mbx[u].upn);
    const when = start + DAY_MS + 9 * 3_600_000 + i * 30_000;
    const a: Actor = { u, sessionId: sessionFor(opts.seed, u, 1, 1), ip: NAT_IP, clientInfo: 'Client=OWA;Action=ViaProxy', appId: OWA_APP };
    planted.push(bindRecord(ctx, isoNoZone(when), a, [{ f: 0, messages: [shared, pickMessage(rng, u)] }]));
  }

  planted.sort((x, y) => (x.CreationTime < y.CreationTime ? -1 : x.CreationTime > y.CreationTime ? 1 : 0));
  const attackRecords = planted.filter((r) => r.SessionId === attackSession).length;
  const manifest: Manifest = {
    seed: opts.seed,
    records: opts.records,
    mailboxes: M,
    timeRange: { from: `${opts.start}Z`, to: new Date(start + span).toISOString().replace('.000Z', 'Z') },
    natIp: NAT_IP,
    attack: {
      sessionId: attackSession,
      clientIps: [...new Set(ATTACK_IPS.slice(0, Math.min(8, ipIdx + 1)))],
      clientIpSpellings: ATTACK_IP_SPELLINGS.slice(0, Math.min(8, ipIdx + 1)),
      mailboxes: victims.map((v) => mbx[v].upn),
      boundMessageCount: targetMessages,
      bindOperationCount: attackOps,
      bindRecords: attackBinds,
      recordCount: attackRecords,
      inboxRuleMailbox: mbx[victims[0]].upn,
      from: `${isoNoZone(attackStart)}Z`,
      to: `${isoNoZone(attackEnd)}Z`,
    },
    throttled: {
      mailbox: mbx[thr].upn, isThrottledAt: `${thrTime}Z`,
      unauditedWindow: { start: `${thrTime}Z`, end: new Date(Date.parse(`${thrTime}Z`) + DAY_MS).toISOString().replace('.000Z', 'Z') },
      burstRecords: burst + 1,
    },
    app: { clientAppId: BENCH_APP_ID, clientIp: APP_IP, approxRecords: Math.round(opts.records * APP_SHARE) },
    sharedMessage: { internetMessageId: messageId(shared, opts.seed), mailboxes: sharedCount, mailboxSample: sharedMailboxes.slice(0, 5) },
    sampleMailbox: mbx[1 % M].upn,
    sampleSessionId: sessionFor(opts.seed, 1 % M, 2, 1),
    files: {},
  };
  return { planted, manifest };
}

/** Session of user u on day d for client kind (0 desktop, 1 OWA/mobile). */
function sessionFor(seed: number, u: number, day: number, kind: number): string {
  return stableGuid(seed, 0x5e55, u, day, kind);
}

const APP_SHARE = 0.004;
const NON_MIA_SHARE = 0.2;
const SYNC_SHARE = 0.2;

/**
 * Every record of the dataset, in CreationTime order. Synchronous generator: the caller decides how to write.
 * The planted records (manifest) are interleaved by time; the total is exactly `opts.records`.
 */
export function* generateRecords(partial: Partial<DatasetOptions> = {}, onManifest?: (m: Manifest) => void): Generator<AuditData> {
  const opts: DatasetOptions = { ...DEFAULT_OPTIONS, ...partial };
  const ctx: Ctx = { opts, rng: makeRng(opts.seed), mbx: buildMailboxes(opts.mailboxes, opts.seed) };
  const { planted, manifest } = plan(ctx);
  onManifest?.(manifest);
  const rng = ctx.rng;
  const start = Date.parse(`${opts.start}Z`);
  const span = opts.days * DAY_MS;
  const mainCount = Math.max(0, opts.records - planted.length);
  const toEmit = Math.min(opts.records, planted.length);
  let p = 0;
  for (let i = 0; i < mainCount; i++) {
    const ms = start + Math.floor((i * span) / mainCount / 1000) * 1000;
    const time = isoNoZone(ms);
    while (p < toEmit && (planted[p].CreationTime as string) <= time) yield planted[p++];
    const day = Math.floor((ms - start) / DAY_MS);
    const u = (rng() * opts.mailboxes) | 0;
    const user = ctx.mbx[u];
    const r = rng();
    if (r < APP_SHARE) {
      const a: Actor = { u, ip: APP_IP, clientInfo: 'Client=REST;Client=RESTSystem;;', appId: BENCH_APP_ID, clientAppId: BENCH_APP_ID,
        userId: `ServicePrincipal_${BENCH_APP_ID}`, userType: 5,
        ...(rng() < 0.5 ? { appAccessContext: { AADSessionId: stableGuid(opts.seed, 0xaad, day), ClientAppId: BENCH_APP_ID, IssuedAtTime: isoNoZone(ms - 60_000) } } : {}) };
      yield bindRecord(ctx, time, a, [{ f: 0, messages: [pickMessage(rng, u), pickMessage(rng, u), pickMessage(rng, u)] }]);
      continue;
    }
    const inOffice = (mix(opts.seed, u, day) & 0xff) < 150 && (day % 7) < 5;
    if (r < APP_SHARE + SYNC_SHARE) {
      const a: Actor = { u, sessionId: sessionFor(opts.seed, u, day, 0), ip: inOffice ? NAT_IP : user.homeIp, clientInfo: 'Client=MSExchangeRPC', appId: OUTLOOK_APP };
      yield syncRecord(ctx, time, a, pickFolder(rng));
      continue;
    }
    const mobile = !inOffice && (mix(opts.seed, u, day, 9) & 1) === 1;
    const a: Actor = mobile
      ? { u, sessionId: sessionFor(opts.seed, u, day, 1), ip: user.mobileIp, clientInfo: 'Client=OutlookService;Outlook-iOS/2.0;', appId: MOBILE_APP }
      : { u, sessionId: sessionFor(opts.seed, u, day, 1), ip: inOffice ? NAT_IP : user.homeIp, clientInfo: 'Client=OWA;Action=ViaProxy', appId: OWA_APP };
    if (r < APP_SHARE + SYNC_SHARE + NON_MIA_SHARE) {
      yield itemRecord(ctx, time, a, ITEM_OPS[(rng() * ITEM_OPS.length) | 0]);
      continue;
    }
    const x = rng();
    const nf = x < 0.6 ? 1 : x < 0.9 ? 2 : 3;
    const folders: FolderPick[] = [];
    for (let fi = 0; fi < nf; fi++) {
      // 1-20 items, mean ~4 per folder (so ~6 per record)
      const n = Math.min(20, 1 + Math.floor(-Math.log(1 - rng()) * 3));
      const msgs: number[] = [];
      for (let k = 0; k < n; k++) msgs.push(pickMessage(rng, u));
      let f = pickFolder(rng);
      while (folders.some((y) => y.f === f)) f = (f + 1) % FOLDERS.length;
      folders.push({ f, messages: msgs });
    }
    yield bindRecord(ctx, time, a, folders);
  }
  while (p < toEmit) yield planted[p++];
}

// ------------------------------------------------------------------------------------------------ writing

export const PURVIEW_HEADER = 'RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\n';

export function toNdjsonLine(rec: AuditData, json = JSON.stringify(rec)): string {
  return `${json}\n`;
}

export function toPurviewCsvRow(rec: AuditData, json = JSON.stringify(rec)): string {
  return `${rec.Id},${usDate(rec.CreationTime)},${rec.RecordType},${rec.Operation},${rec.UserId},"${json.replace(/"/g, '""')}",,\n`;
}

/** Collects ~1 MB of text, then writes it, honouring backpressure. */
class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly stream: WriteStream, private readonly chunk = 1 << 20) {}

  /** Buffers text; true when a flush is due (so the caller only awaits once per ~1 MB). */
  add(text: string): boolean {
    this.parts.push(text);
    this.size += text.length;
    return this.size >= this.chunk;
  }

  async flush(): Promise<void> {
    if (!this.parts.length) return;
    const data = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(data)) await new Promise<void>((res) => this.stream.once('drain', res));
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((res, rej) => this.stream.end((err?: Error | null) => (err ? rej(err) : res())));
  }
}

export interface GenerateToFilesOptions extends Partial<DatasetOptions> {
  out: string;
  format: OutputFormat;
  /** Called every million records (a 10M dataset takes minutes). */
  onProgress?: (written: number) => void;
}

/** Writes the dataset and `<out>/manifest.json`; returns the manifest. */
export async function generateDataset(o: GenerateToFilesOptions): Promise<Manifest> {
  const t0 = Date.now();
  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const files: Record<string, string> = {};
  if (o.format === 'ndjson' || o.format === 'both') files.ndjson = join(out, 'dataset.ndjson');
  if (o.format === 'purview-csv' || o.format === 'both') files.purviewCsv = join(out, 'dataset-purview.csv');
  const nd = files.ndjson ? new ChunkedWriter(createWriteStream(files.ndjson, { highWaterMark: 1 << 20 })) : null;
  const csv = files.purviewCsv ? new ChunkedWriter(createWriteStream(files.purviewCsv, { highWaterMark: 1 << 20 })) : null;
  csv?.add(PURVIEW_HEADER);
  let manifest: Manifest | undefined;
  let count = 0;
  const byOperation: Record<string, number> = {};
  let appRecords = 0;
  let withoutSession = 0;
  for (const rec of generateRecords(o, (m) => { manifest = m; })) {
    byOperation[rec.Operation] = (byOperation[rec.Operation] ?? 0) + 1;
    if (rec.ClientAppId === BENCH_APP_ID) appRecords++;
    if (!rec.SessionId) withoutSession++;
    const json = JSON.stringify(rec);
    if (nd && nd.add(toNdjsonLine(rec, json))) await nd.flush();
    if (csv && csv.add(toPurviewCsvRow(rec, json))) await csv.flush();
    if (++count % 1_000_000 === 0) o.onProgress?.(count);
  }
  await nd?.close();
  await csv?.close();
  const m = manifest as Manifest;
  m.records = count;
  m.files = Object.fromEntries(Object.entries(files).map(([k, p]) => [k, { path: p, bytes: statSync(p).size }]));
  m.counts = { byOperation, appRecords, recordsWithoutSessionId: withoutSession };
  m.generatedInMs = Date.now() - t0;
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
  return m;
}

/**
 * The dataset of `records` records in `dir` (default seed and shape) with at least the files `format` names:
 * reused when its manifest says so (the manifest is written last, so an interrupted run is not mistaken for one).
 */
export async function ensureDataset(records: number, dir: string, format: OutputFormat, log: (msg: string) => void): Promise<Manifest> {
  const manifestFile = join(dir, 'manifest.json');
  const wanted = format === 'both' ? ['ndjson', 'purviewCsv'] : [format === 'ndjson' ? 'ndjson' : 'purviewCsv'];
  if (existsSync(manifestFile)) {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    if (m.records === records && wanted.every((k) => m.files?.[k] && existsSync(m.files[k].path))) return m;
  }
  log(`generating ${records} records (${format}) into ${dir}`);
  return generateDataset({ records, out: dir, format, onProgress: (n) => log(`  ${n} records written`) });
}

function parseArgs(argv: string[]): GenerateToFilesOptions {
  const o: GenerateToFilesOptions = { out: 'bench/data', format: 'ndjson' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    const num = (): number => {
      const n = Number(v?.replace(/_/g, ''));
      if (!Number.isFinite(n) || n < 0) throw new Error(`${k} needs a non-negative number, got ${v}`);
      i++;
      return n;
    };
    if (k === '--records') o.records = Math.floor(num());
    else if (k === '--seed') o.seed = Math.floor(num());
    else if (k === '--mailboxes') o.mailboxes = Math.max(1, Math.floor(num()));
    else if (k === '--days') o.days = Math.max(1, num());
    else if (k === '--out') { o.out = v; i++; }
    else if (k === '--format') {
      if (v !== 'ndjson' && v !== 'purview-csv' && v !== 'both') throw new Error(`--format must be ndjson, purview-csv or both, got ${v}`);
      o.format = v; i++;
    } else if (k === '--help' || k === '-h') {
      process.stdout.write('usage: node dist/bench/generate-dataset.js --records N --out DIR --format ndjson|purview-csv|both [--seed 42] [--mailboxes 2000] [--days 28]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${k}`);
  }
  return o;
}

if (require.main === module) {
  generateDataset({ ...parseArgs(process.argv.slice(2)), onProgress: (n) => process.stderr.write(`${n} records written\n`) })
    .then((m) => process.stdout.write(`${JSON.stringify(m, null, 2)}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
