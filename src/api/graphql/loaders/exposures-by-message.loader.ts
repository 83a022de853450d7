import type { Services } from '../../services';
import { batchLoader } from './by-key';

export const createExposuresByMessageLoader = (s: Services) => batchLoader((messageIds) => s.presumed.exposuresOfMessages(messageIds));
