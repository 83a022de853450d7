import type { DataSource } from 'typeorm';
import type { Logger } from '../../logger';
import type { ImportService } from '../../import/import-service';
import type { Principal } from '../http/auth';
import type { AccessEntry } from '../http/access-log';
import { createLoaders, type Loaders } from './loaders';
import { createServices, type Services } from '../services';

/** What every resolver gets: who is asking, their organisation, and this request's services and DataLoaders. */
export interface RequestContext {
  principal: Principal;
  orgId: number;
  dataSource: DataSource;
  logger: Logger;
  /** Scoped to the caller's organisation; made once per request. */
  services: Services;
  loaders: Loaders;
  importer: ImportService;
  limits: { maxInlineImportBytes: number };
  /** This request's access-log row, filled in when the answer is sent. */
  accessLog?: AccessEntry;
}

export function createContext(deps: {
  principal: Principal;
  dataSource: DataSource;
  logger: Logger;
  importer: ImportService;
  maxInlineImportBytes: number;
}): RequestContext {
  const services = createServices(deps.dataSource, deps.principal.orgId);
  return {
    principal: deps.principal,
    orgId: deps.principal.orgId,
    dataSource: deps.dataSource,
    logger: deps.logger,
    services,
    loaders: createLoaders(deps.dataSource, services, deps.principal.orgId),
    importer: deps.importer,
    limits: { maxInlineImportBytes: deps.maxInlineImportBytes },
  };
}
