/**
 * Hears changes to API keys (the api_key_changed trigger's NOTIFY) on a connection of its own and empties the
 * key cache, so a revoked or expired key is refused on its next request, whichever process revoked it. While the
 * connection is down the cache serves no known key (every request looks its key up) and it reconnects.
 */
import { Client } from 'pg';
import type { Logger } from '../../logger';
import type { ApiKeyStore } from './auth';

const CHANNEL = 'mailtrail_api_key_changed';
const RECONNECT_MS = 1_000;

export function listenForKeyChanges(url: string, keys: ApiKeyStore, logger: Logger): { close(): Promise<void> } {
  let client: Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  const lost = (err?: unknown) => {
    keys.cacheTrusted = false;
    const gone = client;
    client = null;
    gone?.end().catch(() => undefined);
    if (err) logger.warn({ err }, 'not hearing API key changes: every request looks its key up until reconnected');
    if (!closed && !timer) timer = setTimeout(connect, RECONNECT_MS);
  };
  const connect = async () => {
    timer = null;
    const next = new Client({ connectionString: url, application_name: 'mailtrail key changes' });
    next.on('error', lost);
    next.on('end', () => client === next && lost());
    next.on('notification', () => keys.forgetAll());
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      if (closed) return void next.end();
      client = next;
      // Anything changed while not listening is unknown: start from an empty cache.
      keys.forgetAll();
      keys.cacheTrusted = true;
    } catch (err) {
      next.end().catch(() => undefined);
      lost(err);
    }
  };
  keys.cacheTrusted = false;
  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}
