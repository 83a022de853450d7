/**
 * The pivot: from seed IPs and sessions, alternately take the sessions that used the current IPs and the IPs those
 * sessions used, reporting per hop what was new. Work per hop is bounded: at most `maxSessionsPerHop` new sessions
 * and as many new IPs (an office NAT shared by thousands of sessions is cut short and flagged `truncated`).
 * One statement resolves the seeds and one runs each hop, whatever the size of the answer.
 */
import type { DataSource } from 'typeorm';
import type { PivotHopType, PivotType } from '../types/views.type';

export interface PivotRequest {
  /** Canonical addresses. */
  clientIps: string[];
  sessionIds: string[];
  maxHops: number;
  maxSessionsPerHop: number;
}

const HOP_SQL = `
WITH reached AS (
  SELECT DISTINCT l.session_id FROM session_client_ip l
  WHERE l.org_id = $1 AND l.client_ip_id = ANY($2::bigint[]) AND l.session_id NOT IN (SELECT unnest($3::bigint[]))
  ORDER BY l.session_id LIMIT $4::int + 1
), kept AS (
  SELECT session_id FROM reached ORDER BY session_id LIMIT $4::int
), expanded AS (
  SELECT session_id FROM kept UNION SELECT unnest($5::bigint[])
), new_ips AS (
  SELECT DISTINCT l.client_ip_id FROM session_client_ip l
  WHERE l.org_id = $1 AND l.session_id IN (SELECT session_id FROM expanded) AND l.client_ip_id NOT IN (SELECT unnest($6::bigint[]))
  ORDER BY l.client_ip_id LIMIT $4::int + 1
)
SELECT 's' AS kind, session_id::text AS id FROM reached
UNION ALL
SELECT 'i', client_ip_id::text FROM new_ips`;

export class PivotService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  async pivot(req: PivotRequest): Promise<PivotType> {
    const seeds: { kind: 's' | 'i'; id: string }[] = await this.db.query(
      `SELECT 's' AS kind, id::text AS id FROM session WHERE org_id = $1 AND session_id = ANY($2::text[])
       UNION ALL SELECT 'i', id::text FROM client_ip WHERE org_id = $1 AND address = ANY($3::inet[])`,
      [this.orgId, req.sessionIds, req.clientIps],
    );
    const seedSessions = seeds.filter((s) => s.kind === 's').map((s) => s.id);
    const seedIps = seeds.filter((s) => s.kind === 'i').map((s) => s.id);
    const seenSessions = new Set(seedSessions);
    const seenIps = new Set(seedIps);
    const hops: PivotHopType[] = [{ hop: 0, sessionIds: seedSessions, clientIpIds: seedIps, truncated: false }];

    let frontierIps = seedIps;
    for (let hop = 1; hop <= req.maxHops; hop++) {
      const expandSeeds = hop === 1 ? seedSessions : [];
      if (!frontierIps.length && !expandSeeds.length) break;
      const rows: { kind: 's' | 'i'; id: string }[] = await this.db.query(HOP_SQL, [
        this.orgId,
        frontierIps,
        [...seenSessions],
        req.maxSessionsPerHop,
        expandSeeds,
        [...seenIps],
      ]);
      let sessionIds = rows.filter((r) => r.kind === 's').map((r) => r.id);
      let clientIpIds = rows.filter((r) => r.kind === 'i').map((r) => r.id);
      const truncated = sessionIds.length > req.maxSessionsPerHop || clientIpIds.length > req.maxSessionsPerHop;
      sessionIds = sessionIds.slice(0, req.maxSessionsPerHop);
      clientIpIds = clientIpIds.slice(0, req.maxSessionsPerHop);
      sessionIds.forEach((id) => seenSessions.add(id));
      clientIpIds.forEach((id) => seenIps.add(id));
      hops.push({ hop, sessionIds, clientIpIds, truncated });
      frontierIps = clientIpIds;
    }
    return {
      hops,
      sessionIds: [...seenSessions],
      clientIpIds: [...seenIps],
      truncated: hops.some((h) => h.truncated),
    };
  }
}
