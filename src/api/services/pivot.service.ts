/**
 * The pivot: from seed IPs and sessions, alternately take the sessions that used the current IPs and the IPs those
 * sessions used, reporting per hop what was new. Work per hop is bounded: at most `maxSessionsPerHop` new sessions
 * and as many new IPs (an office NAT shared by thousands of sessions is cut short and flagged `truncated`).
 * One statement resolves the seeds and one runs each hop, whatever the size of the answer.
 */
import type { DataSource } from 'typeorm';
import { run, sql } from '../../db/sql';
import { enrichIp } from '../../enrich';
import type { PivotHopType, PivotType } from '../graphql/types/views.type';

export interface PivotRequest {
  /** Canonical addresses. */
  clientIps: string[];
  sessionIds: string[];
  maxHops: number;
  maxSessionsPerHop: number;
  /** Follow PRIVATE, LOOPBACK, MICROSOFT... addresses too (by default they are reached but not followed). */
  includeNonPublic: boolean;
}

interface Hop {
  orgId: number;
  frontierIps: string[];
  seenSessions: string[];
  maxSessionsPerHop: number;
  expandSeeds: string[];
  seenIps: string[];
}

/** One hop: sessions on the frontier IPs (one more than the cap, to tell truncation) and the new IPs they used. */
const hopSql = (h: Hop) => sql`
WITH reached AS (
  SELECT DISTINCT l.session_id FROM session_client_ip l
  WHERE l.org_id = ${h.orgId} AND l.client_ip_id = ANY(${h.frontierIps}::bigint[]) AND l.session_id NOT IN (SELECT unnest(${h.seenSessions}::bigint[]))
  ORDER BY l.session_id LIMIT ${h.maxSessionsPerHop}::int + 1
), kept AS (
  SELECT session_id FROM reached ORDER BY session_id LIMIT ${h.maxSessionsPerHop}::int
), expanded AS (
  SELECT session_id FROM kept UNION SELECT unnest(${h.expandSeeds}::bigint[])
), new_ips AS (
  SELECT DISTINCT l.client_ip_id FROM session_client_ip l
  WHERE l.org_id = ${h.orgId} AND l.session_id IN (SELECT session_id FROM expanded) AND l.client_ip_id NOT IN (SELECT unnest(${h.seenIps}::bigint[]))
  ORDER BY l.client_ip_id LIMIT ${h.maxSessionsPerHop}::int + 1
)
SELECT 's' AS kind, session_id::text AS id, NULL AS address FROM reached
UNION ALL
SELECT 'i', n.client_ip_id::text, host(c.address) FROM new_ips n JOIN client_ip c ON c.id = n.client_ip_id AND c.org_id = ${h.orgId}`;

/**
 * Shared infrastructure links unrelated actors: a Microsoft back-end address serves every tenant's REST traffic,
 * a private address every office. Those are reported but not followed unless asked.
 */
const followable = (address: string) => enrichIp(address).kind === 'PUBLIC';

export class PivotService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  async pivot(req: PivotRequest): Promise<PivotType> {
    const seeds: { kind: 's' | 'i'; id: string }[] = await run(
      this.db,
      sql`SELECT 's' AS kind, id::text AS id FROM session WHERE org_id = ${this.orgId} AND session_id = ANY(${req.sessionIds}::text[])
       UNION ALL SELECT 'i', id::text FROM client_ip WHERE org_id = ${this.orgId} AND address = ANY(${req.clientIps}::inet[])`,

    );
    const seedSessions = seeds.filter((s) => s.kind === 's').map((s) => s.id);
    const seedIps = seeds.filter((s) => s.kind === 'i').map((s) => s.id);
    const seenSessions = new Set(seedSessions);
    const seenIps = new Set(seedIps);
    const hops: PivotHopType[] = [{ hop: 0, sessionIds: seedSessions, clientIpIds: seedIps, notFollowedClientIpIds: [], truncated: false }];

    let frontierIps = seedIps;
    for (let hop = 1; hop <= req.maxHops; hop++) {
      const expandSeeds = hop === 1 ? seedSessions : [];
      if (!frontierIps.length && !expandSeeds.length) break;
      const rows: { kind: 's' | 'i'; id: string; address: string | null }[] = await run(
        this.db,
        hopSql({
          orgId: this.orgId,
          frontierIps,
          seenSessions: [...seenSessions],
          maxSessionsPerHop: req.maxSessionsPerHop,
          expandSeeds,
          seenIps: [...seenIps],
        }),
      );
      let sessionIds = rows.filter((r) => r.kind === 's').map((r) => r.id);
      let newIps = rows.filter((r) => r.kind === 'i');
      const truncated = sessionIds.length > req.maxSessionsPerHop || newIps.length > req.maxSessionsPerHop;
      sessionIds = sessionIds.slice(0, req.maxSessionsPerHop);
      newIps = newIps.slice(0, req.maxSessionsPerHop);
      const clientIpIds = newIps.map((r) => r.id);
      const notFollowed = req.includeNonPublic ? [] : newIps.filter((r) => !followable(r.address!)).map((r) => r.id);
      sessionIds.forEach((id) => seenSessions.add(id));
      clientIpIds.forEach((id) => seenIps.add(id));
      hops.push({ hop, sessionIds, clientIpIds, notFollowedClientIpIds: notFollowed, truncated });
      frontierIps = clientIpIds.filter((id) => !notFollowed.includes(id));
    }
    return {
      hops,
      sessionIds: [...seenSessions],
      clientIpIds: [...seenIps],
      truncated: hops.some((h) => h.truncated),
    };
  }
}
