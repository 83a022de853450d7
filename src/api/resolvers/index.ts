import { ImportBatchResolver } from './import-batch.resolver';

export const RESOLVERS = [ImportBatchResolver] as const;
