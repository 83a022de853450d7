/** Client addresses (canonical, one row per address) and which sessions used them. */
import type { DataSource } from 'typeorm';
import type { ConnectionResult } from '../pagination';
import type { ClientIpType } from '../types/entities.type';
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
    const rows = await this.db.query(`SELECT ${CLIENT_IP_COLUMNS('c')} FROM client_ip c WHERE c.org_id = $1 AND c.address = $2::inet`, [
      this.orgId,
      address,
    ]);
    return rows.length ? clientIpFromRow(rows[0]) : null;
  }

  /** Ordered by firstSeen. With a mailbox, from/to apply to the IP's activity in that mailbox (client_ip_mailbox). */
  page(filter: ClientIpFilter, limit: number, after: string | null | undefined): Promise<ConnectionResult<ClientIpType>> {
    const params: unknown[] = [this.orgId, filter.from, filter.to];
    const where = ['c.org_id = $1'];
    let from = 'client_ip c';
    if (filter.mailbox) {
      params.push(filter.mailbox);
      from += ` JOIN client_ip_mailbox cm ON cm.client_ip_id = c.id
        AND cm.mailbox_id = (SELECT id FROM mailbox WHERE org_id = $1 AND user_principal_name = $${params.length})`;
      where.push(overlapsSql('cm.first_seen', 'cm.last_seen', 2, 3));
    } else {
      where.push(overlapsSql('c.first_seen', 'c.last_seen', 2, 3));
    }
    return keysetPage({
      db: this.db,
      from,
      select: CLIENT_IP_COLUMNS('c'),
      where,
      params,
      order: { columns: ['c.first_seen', 'c.id'], types: ['timestamptz', 'bigint'] },
      after,
      limit,
      toNode: clientIpFromRow,
      keyOf: (c) => [timeKey(c.firstSeen), c.id],
    });
  }

  async byIds(ids: readonly string[]): Promise<(ClientIpType | null)[]> {
    const rows = await this.db.query(`SELECT ${CLIENT_IP_COLUMNS('c')} FROM client_ip c WHERE c.org_id = $1 AND c.id = ANY($2::bigint[])`, [
      this.orgId,
      ids,
    ]);
    return inKeyOrder(ids, rows.map(clientIpFromRow), (c) => c.id);
  }

  /** Every address a session used (session_client_ip): VPN hopping gives one session many IPs. By first use. */
  async bySessionIds(sessionIds: readonly string[]): Promise<ClientIpType[][]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT l.session_id::text AS key, ${CLIENT_IP_COLUMNS('c')} FROM session_client_ip l JOIN client_ip c ON c.id = l.client_ip_id
       WHERE l.org_id = $1 AND l.session_id = ANY($2::bigint[]) ORDER BY l.first_seen, c.id`,
      [this.orgId, sessionIds],
    );
    return groupedInKeyOrder(sessionIds, rows.map((r) => ({ key: String(r.key), value: clientIpFromRow(r) })));
  }
}
