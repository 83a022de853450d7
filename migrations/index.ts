import { Initial1795830465438 } from './1795830465438-Initial';
import { ApiKeyLastUsed1795995631739 } from './1795995631739-ApiKeyLastUsed';
import { NarrowAccesses1795998900000 } from './1795998900000-NarrowAccesses';
import { VerbatimEvidence1795999000000 } from './1795999000000-VerbatimEvidence';
import { SessionKinds1796000100000 } from './1796000100000-SessionKinds';
import { Apps1796000211405 } from './1796000211405-Apps';
import { AccessLog1795999870851 } from './1795999870851-AccessLog';
import { ApiKeyExpiry1796000571012 } from './1796000571012-ApiKeyExpiry';
import { OrganizationIdentity1796001000000 } from './1796001000000-OrganizationIdentity';
import { OrgInEveryKey1796005770082 } from './1796005770082-OrgInEveryKey';

/** Every migration, in order. Listed explicitly so tests (TypeScript) and the CLI (compiled JS) load the same. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  Initial1795830465438,
  ApiKeyLastUsed1795995631739,
  NarrowAccesses1795998900000,
  VerbatimEvidence1795999000000,
  AccessLog1795999870851,
  SessionKinds1796000100000,
  Apps1796000211405,
  ApiKeyExpiry1796000571012,
  OrganizationIdentity1796001000000,
  OrgInEveryKey1796005770082,
];
