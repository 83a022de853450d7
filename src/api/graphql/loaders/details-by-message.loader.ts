import type { Services } from '../../services';
import { batchLoader } from './by-key';

/** Message-detail rows keyed by message-dictionary id: subject, sender, recipients and details share one statement. */
export const createDetailsByMessageLoader = (s: Services) => batchLoader((ids) => s.messageDetails.byMessageIds(ids));
