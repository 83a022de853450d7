/** Client addresses (canonical, one row per address) and which sessions used them. */
import type { DataSource } from 'typeorm';
import { run, sql } from '../../db/sql';
import type { ClientIpType } from '../graphql/types/entities.type';
import type { ConnectionResult } from '../../db/pages';
import { keysetPage, timeKey } from './keyset';
import { canonicalIp } from '../../import/normalize';
import { enrichIp, type IpKind } from '../../enrich';
import { ADDRESS_TEXT, addressIsSql, CLIENT_IP_COLUMNS, clientIpFromRow, groupedInKeyOrder, inKeyOrder } from './rows';
import { TAG_KEY_SQL, tagFilterSql, type TagFilter } from './tag.service';
import { overlapsSql, recordsInWindowSql, type TimeRange } from './time-range';

/** Facets of the shipped enrichment (computed from the address, as ClientIp shows them); each null = any. */
export interface EnrichmentFilter {
  kinds?: IpKind[] | null;
  /** Upper-case ISO 3166-1 alpha-2 codes. */
  countries?: string[] | null;
  asns?: number[] | null;
}

export interface ClientIpFilter extends TimeRange, TagFilter, EnrichmentFilter {
  /** Lower-cased UPN. */
  mailbox: string | null;
}

export class ClientIpService {
  constructor(
    private readonly db: DataSource,
    private readonly orgId: number,
  ) {}

  /** A canonical IP (canonicalIp), or the text of an address that is not an IP, as written. */
  async findByAddress(address: string): Promise<ClientIpType | null> {
    const rows = await run(this.db, sql`SELECT ${CLIENT_IP_COLUMNS('c')} FROM client_ip c WHERE c.org_id = ${this.orgId} AND ${addressIsSql('c', address)}`, 'generic');
    return rows.length ? clientIpFromRow(rows[0]) : null;
  }

  /** True when some record came from this text as its (non-IP) client address. */
  async isKnownNonIpAddress(value: string): Promise<boolean> {
    if (canonicalIp(value)) return false;
    return (await run(this.db, sql`SELECT 1 FROM client_ip c WHERE c.org_id = ${this.orgId} AND ${addressIsSql('c', value)}`)).length > 0;
  }

  /** Ordered by firstSeen. from/to: with a mailbox, IPs with records in it in the window; else IPs whose span overlaps it. */
  async page(filter: ClientIpFilter, limit: number, after: string | null | undefined): Promise<ConnectionResult<ClientIpType>> {
    const enriched = await this.idsMatching(filter);
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
      where: [
        sql`c.org_id = ${this.orgId}`,
        span,
        // In a mailbox the span is a first cut; a record from the IP in that mailbox in the window decides.
        filter.mailbox ? recordsInWindowSql(this.orgId, [sql`r.client_ip_id = c.id`, sql`r.mailbox_id = cm.mailbox_id`], filter) : sql`true`,
        ...tagFilterSql(this.orgId, 'IP', TAG_KEY_SQL.IP('c'), filter),
        enriched ? sql`c.id = ANY(${enriched}::bigint[])` : sql`true`,
      ],
      order: { columns: [sql`c.first_seen`, sql`c.id`], types: ['timestamptz', 'bigint'] },
      after,
      limit,
      toNode: clientIpFromRow,
      keyOf: (c) => [timeKey(c.firstSeen), c.id],
    });
  }

  /**
   * Ids of the organisation's addresses whose class / country / ASN match (null when the filter asks none). The
   * enrichment is computed from the shipped tables, not stored, so this reads every address of the organisation
   * once (one statement, a few ms per 10,000 addresses) and the page then keys on the ids.
   */
  private async idsMatching(filter: EnrichmentFilter): Promise<string[] | null> {
    const kinds = filter.kinds?.length ? new Set(filter.kinds) : null;
    const countries = filter.countries?.length ? new Set(filter.countries) : null;
    const asns = filter.asns?.length ? new Set(filter.asns) : null;
    if (!kinds && !countries && !asns) return null;
    const rows: { id: string; address: string }[] = await run(
      this.db,
      sql`SELECT c.id::text AS id, ${ADDRESS_TEXT('c')} AS address FROM client_ip c WHERE c.org_id = ${this.orgId}`,
    );
    return rows
      .filter(({ address }) => {
        const e = enrichIp(address);
        return (!kinds || kinds.has(e.kind)) && (!countries || (e.country !== null && countries.has(e.country))) && (!asns || (e.asn !== null && asns.has(e.asn)));
      })
      .map((r) => r.id);
  }

  async byIds(ids: readonly string[]): Promise<(ClientIpType | null)[]> {
    const rows = await run(this.db, sql`SELECT ${CLIENT_IP_COLUMNS('c')} FROM client_ip c WHERE c.org_id = ${this.orgId} AND c.id = ANY(${ids}::bigint[])`, 'generic');
    return inKeyOrder(ids, rows.map(clientIpFromRow), (c) => c.id);
  }

  /** Every address a session used (session_client_ip): VPN hopping gives one session many IPs. By first use. */
  async bySessionIds(sessionIds: readonly string[]): Promise<ClientIpType[][]> {
    const rows: Record<string, unknown>[] = await run(
      this.db,
      sql`SELECT l.session_id::text AS key, ${CLIENT_IP_COLUMNS('c')} FROM session_client_ip l JOIN client_ip c ON c.id = l.client_ip_id AND c.org_id = l.org_id
       WHERE l.org_id = ${this.orgId} AND l.session_id = ANY(${sessionIds}::bigint[]) ORDER BY l.first_seen, c.id`,
      'generic',
    );
    return groupedInKeyOrder(sessionIds, rows.map((r) => ({ key: String(r.key), value: clientIpFromRow(r) })));
  }
}
