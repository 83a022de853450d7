import type { Services } from '../../services';
import { batchLoader } from './by-key';

/** Keyed by message-dictionary id (MessageType.messageId). */
export const createMailboxesByMessageLoader = (s: Services) => batchLoader((ids) => s.mailboxes.byMessageIds(ids));
