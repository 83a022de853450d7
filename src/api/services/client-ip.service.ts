/** Client addresses (canonical, one row per address) and which sessions used them. */
import type { DataSource } from 'typeorm';
import { run, sql } from '../../db/sql';
import type { ClientIpType } from '../graphql/types/entities.type';
import type { ConnectionResult } from '../../db/pages';
import { keysetPage, timeKey } from './keyset';
import { CLIENT_IP_COLUMNS, clientIpFromRow, groupedInKeyOrder, inKeyOrder } from './rows';
import { overlapsSql, type TimeRange } from './time-range';

export interface ClientIpFilter extends TimeRange {
  /** Lower-cased UPN. */
  mailbox: string | null;
}

export class ClientIpService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /** `address` must already be canonical (canonicalIp). */
  async findByAddress(address: string): Promise<ClientIpType | null> {
    const rows = await run(this.db, sql`SELECT ${CLIENT_IP_COLUMNS('c')} FROM client_ip c WHERE c.org_id = ${this.orgId} AND c.address = ${address}::inet`);
    return rows.length ? clientIpFromRow(rows[0]) : null;
  }

  /** Ordered by firstSeen. With a mailbox, from/to apply to the IP's activity in that mailbox (client_ip_mailbox). */
  page(filter: ClientIpFilter, limit: number, after: string | null | undefined): Promise<ConnectionResult<ClientIpType>> {
    // With a mailbox, the IP's activity in that mailbox is what must overlap the window.
    const from = filter.mailbox
      ? sql`client_ip c JOIN client_ip_mailbox cm ON cm.client_ip_id = c.id AND cm.org_id = c.org_id
        AND cm.mailbox_id = (SELECT id FROM mailbox WHERE org_id = ${this.orgId} AND user_principal_name = ${filter.mailbox})`
      : sql`client_ip c`;
    const span = filter.mailbox ? overlapsSql(sql`cm.first_seen`, sql`cm.last_seen`, filter) : overlapsSql(sql`c.first_seen`, sql`c.last_seen`, filter);
    return keysetPage({
      db: this.db,
      from,
      select: CLIENT_IP_COLUMNS('c'),
      where: [sql`c.org_id = ${this.orgId}`, span],
      order: { columns: [sql`c.first_seen`, sql`c.id`], types: ['timestamptz', 'bigint'] },
      after,
      limit,
      toNode: clientIpFromRow,
      keyOf: (c) => [timeKey(c.firstSeen), c.id],
    });
  }

  async byIds(ids: readonly string[]): Promise<(ClientIpType | null)[]> {
    const rows = await run(this.db, sql`SELECT ${CLIENT_IP_COLUMNS('c')} FROM client_ip c WHERE c.org_id = ${this.orgId} AND c.id = ANY(${ids}::bigint[])`);
    return inKeyOrder(ids, rows.map(clientIpFromRow), (c) => c.id);
  }

  /** Every address a session used (session_client_ip): VPN hopping gives one session many IPs. By first use. */
  async bySessionIds(sessionIds: readonly string[]): Promise<ClientIpType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT l.session_id::text AS key, ${CLIENT_IP_COLUMNS('c')} FROM session_client_ip l JOIN client_ip c ON c.id = l.client_ip_id AND c.org_id = l.org_id
       WHERE l.org_id = ${this.orgId} AND l.session_id = ANY(${sessionIds}::bigint[]) ORDER BY l.first_seen, c.id`,
    );
    return groupedInKeyOrder(sessionIds, rows.map((r) => ({ key: String(r.key), value: clientIpFromRow(r) })));
  }
}
