import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';
import type { ImportService } from '../import/import-service';
import type { Principal } from './auth';
import { createLoaders, type Loaders } from './loaders';

/** What every resolver gets: who is asking, their organisation, and this request's DataLoaders. */
export interface RequestContext {
  principal: Principal;
  orgId: number;
  dataSource: DataSource;
  logger: Logger;
  loaders: Loaders;
  importer: ImportService;
  limits: { maxInlineImportBytes: number };
}

export function createContext(deps: {
  principal: Principal;
  dataSource: DataSource;
  logger: Logger;
  importer: ImportService;
  maxInlineImportBytes: number;
}): RequestContext {
  return {
    principal: deps.principal,
    orgId: deps.principal.orgId,
    dataSource: deps.dataSource,
    logger: deps.logger,
    loaders: createLoaders(deps.dataSource, deps.principal.orgId),
    importer: deps.importer,
    limits: { maxInlineImportBytes: deps.maxInlineImportBytes },
  };
}
