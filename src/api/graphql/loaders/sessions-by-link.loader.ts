import type { DataSource } from 'typeorm';
import type { Services } from '../../services';
import type { TagFilter } from '../../services/tag.service';
import { rangeKey, type TimeRange } from '../../services/time-range';
import { createPagedChildLoader } from './paged';

type SessionsQuery = TimeRange & TagFilter;

/** One loader per distinct window and tag filter in the request, so siblings asking the same share one statement. */
function perQuery<L>(make: (q: SessionsQuery) => L): (q: SessionsQuery) => L {
  const made = new Map<string, L>();
  return (q) => {
    const key = `${rangeKey(q)}|${JSON.stringify(q.tagged ?? null)}|${JSON.stringify(q.notTagged ?? null)}`;
    let loader = made.get(key);
    if (!loader) made.set(key, (loader = make(q)));
    return loader;
  };
}

/** ClientIp.sessions and Mailbox.sessions: paged, one loader per from/to window and tagged/notTagged labels. */
export const createSessionsByClientIpLoader = (db: DataSource, s: Services) =>
  perQuery((q) => createPagedChildLoader(db, s.sessions.sessionsOf('client_ip', q, q)));

export const createSessionsByMailboxLoader = (db: DataSource, s: Services) =>
  perQuery((q) => createPagedChildLoader(db, s.sessions.sessionsOf('mailbox', q, q)));
