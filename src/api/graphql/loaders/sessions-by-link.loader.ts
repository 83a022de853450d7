import type { DataSource } from 'typeorm';
import type { Services } from '../../services';
import { perRange } from './by-key';
import { createPagedChildLoader } from './paged';

/** ClientIp.sessions and Mailbox.sessions: paged, one loader per from/to window. */
export const createSessionsByClientIpLoader = (db: DataSource, s: Services) =>
  perRange((range) => createPagedChildLoader(db, s.sessions.sessionsOf('client_ip', range)));

export const createSessionsByMailboxLoader = (db: DataSource, s: Services) =>
  perRange((range) => createPagedChildLoader(db, s.sessions.sessionsOf('mailbox', range)));
