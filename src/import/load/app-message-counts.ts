/**
 * App.boundMessageCount kept by the import: the distinct messages bound through each app (ClientAppId, else AppId)
 * across the organisation. Counting it per request read every access of Exchange's own AppId (~3 s at 1M records).
 *
 * Each chunk adds the (app, message) pairs it makes new, before its accesses are written:
 * - a message the chunk added to the dictionary has no earlier access, so each of its pairs is new;
 * - for a message already known, one statement checks whether an access through that app exists (one probe of the
 *   message's accesses, by ix_message_access_message).
 * While a bulk load has deferred that index (deferred-indexes.ts), checking would scan the table per chunk, so the
 * chunk marks its apps NULL ("to be counted") instead, and recountApps counts them once when the import ends.
 * NULL absorbs later additions (NULL + n), so a count is never half-kept.
 */
import type { PoolClient } from 'pg';

/** The index the per-chunk check walks; absent while a bulk load defers it. */
export const MESSAGE_INDEX = 'ix_message_access_message';

/** Whether the chunk's connection can check pairs by index now (asked once per chunk, under the load lock). */
export async function canCountByIndex(client: PoolClient): Promise<boolean> {
  const { rows } = await client.query('SELECT to_regclass($1) IS NOT NULL AS indexed', [MESSAGE_INDEX]);
  return rows[0].indexed;
}

/**
 * Adds to each app's count the pairs of `pairs` (app key -> message ids) that no stored access has yet.
 * `newMessages`: dictionary ids the chunk inserted. Runs inside the chunk's transaction, before its accesses are copied.
 */
export async function countNewAppMessages(
  client: PoolClient,
  orgId: number,
  pairs: Map<string, Set<string>>,
  newMessages: ReadonlySet<string>,
  indexed: boolean,
): Promise<void> {
  if (pairs.size === 0) return;
  const apps = [...pairs.keys()];
  if (!indexed) {
    await client.query('UPDATE app SET bound_message_count = NULL WHERE org_id = $1 AND app_id = ANY($2::text[])', [orgId, apps]);
    return;
  }
  const added = new Map<string, number>();
  const knownApps: string[] = [];
  const knownMessages: string[] = [];
  for (const [app, messages] of pairs) {
    let n = 0;
    for (const m of messages) {
      if (newMessages.has(m)) n += 1;
      else {
        knownApps.push(app);
        knownMessages.push(m);
      }
    }
    added.set(app, n);
  }
  if (knownMessages.length > 0) {
    // The pairs with no earlier access through that app: EXISTS stops at the first access that matches.
    const { rows } = await client.query<{ app: string; n: string }>(
      `SELECT p.app, count(*) AS n FROM unnest($2::text[], $3::bigint[]) AS p(app, message_id)
       WHERE NOT EXISTS (SELECT 1 FROM message_access x JOIN audit_record r ON r.id = x.record_id AND r.org_id = x.org_id
                         WHERE x.org_id = $1 AND x.message_id = p.message_id AND lower(coalesce(r.client_app_id, r.app_id)) = p.app)
       GROUP BY p.app`,
      [orgId, knownApps, knownMessages],
    );
    for (const r of rows) added.set(r.app, (added.get(r.app) ?? 0) + Number(r.n));
  }
  const grown = [...added].filter(([, n]) => n > 0);
  if (grown.length === 0) return;
  await client.query(
    `UPDATE app a SET bound_message_count = a.bound_message_count + u.n
     FROM unnest($2::text[], $3::bigint[]) AS u(app_id, n) WHERE a.org_id = $1 AND a.app_id = u.app_id`,
    [orgId, grown.map(([app]) => app), grown.map(([, n]) => n)],
  );
}

/**
 * Counts every app left NULL (by a bulk load, or one that died), one organisation at a time under its load lock
 * (`lockClass`, chunk-load.ts), so no chunk of it is half-counted meanwhile. Returns how many apps it counted; does
 * nothing while the message index is still deferred.
 */
export async function recountApps(client: PoolClient, lockClass: number): Promise<number> {
  if (!(await canCountByIndex(client))) return 0;
  const { rows: orgs } = await client.query<{ org_id: number }>('SELECT DISTINCT org_id FROM app WHERE bound_message_count IS NULL');
  let counted = 0;
  for (const { org_id: orgId } of orgs) {
    counted += await underLoadLock(client, lockClass, orgId, async () => {
      const { rowCount } = await client.query(
        `UPDATE app a SET bound_message_count = coalesce(c.n, 0)
         FROM app t LEFT JOIN (
           SELECT lower(coalesce(r.client_app_id, r.app_id)) AS app_key, count(DISTINCT x.message_id) AS n
           FROM audit_record r JOIN message_access x ON x.record_id = r.id AND x.org_id = r.org_id
           WHERE r.org_id = $1 AND coalesce(r.client_app_id, r.app_id) IS NOT NULL
           GROUP BY 1) c ON c.app_key = t.app_id
         WHERE t.org_id = $1 AND t.id = a.id AND a.org_id = $1 AND a.bound_message_count IS NULL`,
        [orgId],
      );
      return rowCount ?? 0;
    });
  }
  return counted;
}

/**
 * Runs `work` in a transaction holding organisation `orgId`'s load lock (`lockClass`, chunk-load.ts): no chunk of that
 * organisation is half-written while a kept count is made. Answers what `work` answers.
 */
export async function underLoadLock<T>(client: PoolClient, lockClass: number, orgId: number, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [lockClass, orgId]);
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
