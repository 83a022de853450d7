/**
 * The pivot: from seed IPs, sessions and apps, alternately take what used the current IPs and apps and what those
 * used, reporting per hop what was new: IP -> sessions that used it -> their other IPs; app -> mailboxes it read ->
 * the other apps and the sessions on those mailboxes. Work per hop is bounded: at most `maxSessionsPerHop` new
 * sessions, as many new IPs and as many new apps (an office NAT shared by thousands of sessions is cut short and
 * flagged `truncated`). Targets tagged with an `excludeTagged` label are reached but neither listed nor followed,
 * and counted. One statement resolves the seeds and one runs each hop, whatever the size of the answer.
 */
import type { DataSource } from 'typeorm';
import { run, sql } from '../../db/sql';
import { enrichIp } from '../../enrich';
import type { PivotHopType, PivotType } from '../graphql/types/views.type';
import { ADDRESS_TEXT } from './rows';
import { taggedSql } from './tag.service';

export interface PivotRequest {
  /** Canonical addresses. */
  clientIps: string[];
  sessionIds: string[];
  /** App keys (lower-case ClientAppId / AppId). */
  appIds: string[];
  maxHops: number;
  maxSessionsPerHop: number;
  /** Follow PRIVATE, LOOPBACK, MICROSOFT... addresses too (by default they are reached but not followed). */
  includeNonPublic: boolean;
  /** Labels: IPs, sessions and apps tagged with any of them are left out (null = none). */
  excludeTagged: string[] | null;
}

interface Hop {
  orgId: number;
  frontierIps: string[];
  frontierApps: string[];
  seenSessions: string[];
  maxSessionsPerHop: number;
  expandSeeds: string[];
  seenIps: string[];
  seenApps: string[];
  seenMailboxes: string[];
  excludeTagged: string[] | null;
}

type HopRow = { kind: 's' | 'i' | 'a' | 'm'; id: string; address: string | null; excluded: boolean };

/**
 * One hop: sessions on the frontier IPs and on the mailboxes the frontier apps read (one more than the cap, to tell
 * truncation), the new IPs those sessions used, the other apps on those mailboxes, and the mailboxes themselves.
 */
const hopSql = (h: Hop) => sql`
WITH app_mailboxes AS (
  SELECT DISTINCT am.mailbox_id FROM app_mailbox am WHERE am.org_id = ${h.orgId} AND am.app_id = ANY(${h.frontierApps}::bigint[])
), reached AS (
  SELECT session_id FROM (
    SELECT l.session_id FROM session_client_ip l WHERE l.org_id = ${h.orgId} AND l.client_ip_id = ANY(${h.frontierIps}::bigint[])
    UNION
    SELECT l.session_id FROM session_mailbox l WHERE l.org_id = ${h.orgId} AND l.mailbox_id IN (SELECT mailbox_id FROM app_mailboxes)
  ) u WHERE session_id NOT IN (SELECT unnest(${h.seenSessions}::bigint[]))
  ORDER BY session_id LIMIT ${h.maxSessionsPerHop}::int + 1
), marked AS (
  SELECT r.session_id, ${taggedSql(h.orgId, 'SESSION', sql`s.session_id`, h.excludeTagged)} AS excluded
  FROM reached r JOIN session s ON s.id = r.session_id
), kept AS (
  SELECT session_id FROM marked WHERE NOT excluded ORDER BY session_id LIMIT ${h.maxSessionsPerHop}::int
), expanded AS (
  SELECT session_id FROM kept UNION SELECT unnest(${h.expandSeeds}::bigint[])
), new_ips AS (
  SELECT DISTINCT l.client_ip_id FROM session_client_ip l
  WHERE l.org_id = ${h.orgId} AND l.session_id IN (SELECT session_id FROM expanded) AND l.client_ip_id NOT IN (SELECT unnest(${h.seenIps}::bigint[]))
  ORDER BY l.client_ip_id LIMIT ${h.maxSessionsPerHop}::int + 1
), new_apps AS (
  SELECT DISTINCT am.app_id FROM app_mailbox am
  WHERE am.org_id = ${h.orgId} AND am.mailbox_id IN (SELECT mailbox_id FROM app_mailboxes) AND am.app_id NOT IN (SELECT unnest(${h.seenApps}::bigint[]))
  ORDER BY am.app_id LIMIT ${h.maxSessionsPerHop}::int + 1
)
SELECT 's' AS kind, session_id::text AS id, NULL AS address, excluded FROM marked
UNION ALL
SELECT 'i', n.client_ip_id::text, ${ADDRESS_TEXT('c')}, ${taggedSql(h.orgId, 'IP', ADDRESS_TEXT('c'), h.excludeTagged)}
FROM new_ips n JOIN client_ip c ON c.id = n.client_ip_id AND c.org_id = ${h.orgId}
UNION ALL
SELECT 'a', n.app_id::text, NULL, ${taggedSql(h.orgId, 'APP', sql`a.app_id`, h.excludeTagged)} FROM new_apps n JOIN app a ON a.id = n.app_id AND a.org_id = ${h.orgId}
UNION ALL
SELECT 'm', mailbox_id::text, NULL, false FROM app_mailboxes WHERE mailbox_id NOT IN (SELECT unnest(${h.seenMailboxes}::bigint[]))`;

/**
 * Shared infrastructure links unrelated actors: a Microsoft back-end address serves every tenant's REST traffic,
 * a private address every office. Those are reported but not followed unless asked.
 */
const followable = (address: string) => enrichIp(address).kind === 'PUBLIC';

const byNumericId = (a: HopRow, b: HopRow) => Number(a.id) - Number(b.id);

export class PivotService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  async pivot(req: PivotRequest): Promise<PivotType> {
    const seeds: { kind: 's' | 'i' | 'a'; id: string }[] = await run(
      this.db,
      sql`SELECT 's' AS kind, id::text AS id FROM session WHERE org_id = ${this.orgId} AND session_id = ANY(${req.sessionIds}::text[])
       UNION ALL SELECT 'i', id::text FROM client_ip WHERE org_id = ${this.orgId} AND address = ANY(${req.clientIps}::inet[])
       UNION ALL SELECT 'a', id::text FROM app WHERE org_id = ${this.orgId} AND app_id = ANY(${req.appIds}::text[])`,
    );
    const seedOf = (kind: 's' | 'i' | 'a') => seeds.filter((s) => s.kind === kind).map((s) => s.id);
    const [seedSessions, seedIps, seedApps] = [seedOf('s'), seedOf('i'), seedOf('a')];
    const seenSessions = new Set(seedSessions);
    const seenIps = new Set(seedIps);
    const seenApps = new Set(seedApps);
    const seenMailboxes = new Set<string>();
    const excluded = { clientIpCount: 0, sessionCount: 0, appCount: 0 };
    const hops: PivotHopType[] = [
      { hop: 0, sessionIds: seedSessions, clientIpIds: seedIps, appIds: seedApps, mailboxIds: [], notFollowedClientIpIds: [], truncated: false },
    ];
    const cap = req.maxSessionsPerHop;

    let frontierIps = seedIps;
    let frontierApps = seedApps;
    for (let hop = 1; hop <= req.maxHops; hop++) {
      const expandSeeds = hop === 1 ? seedSessions : [];
      if (!frontierIps.length && !frontierApps.length && !expandSeeds.length) break;
      const rows: HopRow[] = await run(
        this.db,
        hopSql({
          orgId: this.orgId,
          frontierIps,
          frontierApps,
          seenSessions: [...seenSessions],
          maxSessionsPerHop: cap,
          expandSeeds,
          seenIps: [...seenIps],
          seenApps: [...seenApps],
          seenMailboxes: [...seenMailboxes],
          excludeTagged: req.excludeTagged,
        }),
      );
      const of = (kind: HopRow['kind']) => rows.filter((r) => r.kind === kind).sort(byNumericId);
      const [sessionRows, ipRows, appRows] = [of('s'), of('i'), of('a')];
      const truncated = sessionRows.length > cap || ipRows.length > cap || appRows.length > cap;
      // Everything reached is seen (an excluded target is not reached again later); only the rest is listed.
      const split = (list: HopRow[], seen: Set<string>) => {
        const within = list.slice(0, cap);
        within.forEach((r) => seen.add(r.id));
        return { kept: within.filter((r) => !r.excluded), excludedCount: within.filter((r) => r.excluded).length };
      };
      const sessions = split(sessionRows, seenSessions);
      const ips = split(ipRows, seenIps);
      const apps = split(appRows, seenApps);
      excluded.sessionCount += sessions.excludedCount;
      excluded.clientIpCount += ips.excludedCount;
      excluded.appCount += apps.excludedCount;
      const mailboxIds = of('m').map((r) => r.id);
      mailboxIds.forEach((id) => seenMailboxes.add(id));

      const clientIpIds = ips.kept.map((r) => r.id);
      const notFollowed = req.includeNonPublic ? [] : ips.kept.filter((r) => !followable(r.address!)).map((r) => r.id);
      const appIds = apps.kept.map((r) => r.id);
      hops.push({ hop, sessionIds: sessions.kept.map((r) => r.id), clientIpIds, appIds, mailboxIds, notFollowedClientIpIds: notFollowed, truncated });
      frontierIps = clientIpIds.filter((id) => !notFollowed.includes(id));
      frontierApps = appIds;
    }
    return {
      hops,
      sessionIds: hops.flatMap((h) => h.sessionIds),
      clientIpIds: hops.flatMap((h) => h.clientIpIds),
      appIds: hops.flatMap((h) => h.appIds),
      mailboxIds: hops.flatMap((h) => h.mailboxIds),
      truncated: hops.some((h) => h.truncated),
      excluded: req.excludeTagged ? { labels: req.excludeTagged, ...excluded, recordCount: 0 } : null,
    };
  }
}
