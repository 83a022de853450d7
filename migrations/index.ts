import { Initial1795830465438 } from './1795830465438-Initial';
import { ApiKeyLastUsed1795995631739 } from './1795995631739-ApiKeyLastUsed';
import { NarrowAccesses1795998900000 } from './1795998900000-NarrowAccesses';
import { VerbatimEvidence1795999000000 } from './1795999000000-VerbatimEvidence';
import { AccessLog1795999870851 } from './1795999870851-AccessLog';
import { SessionKinds1796000100000 } from './1796000100000-SessionKinds';
import { Apps1796000211405 } from './1796000211405-Apps';
import { ApiKeyExpiry1796000571012 } from './1796000571012-ApiKeyExpiry';
import { OrganizationIdentity1796001000000 } from './1796001000000-OrganizationIdentity';
import { MessageDetails1796005701808 } from './1796005701808-MessageDetails';
import { AnalystTags1796005702025 } from './1796005702025-AnalystTags';
import { ItemDetails1796005707091 } from './1796005707091-ItemDetails';
import { ImportBatchImportedBy1796005726489 } from './1796005726489-ImportBatchImportedBy';
import { OrgInEveryKey1796005770082 } from './1796005770082-OrgInEveryKey';
import { RecordIdConflicts1796005911548 } from './1796005911548-RecordIdConflicts';
import { NonIpClientAddresses1796006161698 } from './1796006161698-NonIpClientAddresses';
import { DeferredIndexes1796006174831 } from './1796006174831-DeferredIndexes';
import { NarrowAppIndex1796006400000 } from './1796006400000-NarrowAppIndex';
import { CompactDictionaries1796006500000 } from './1796006500000-CompactDictionaries';
import { AppBoundMessageCounts1796006600000 } from './1796006600000-AppBoundMessageCounts';
import { SessionAccessCounts1796006700000 } from './1796006700000-SessionAccessCounts';
import { AccessesWithoutPrimaryKey1796006800000 } from './1796006800000-AccessesWithoutPrimaryKey';
import { OwnerUserIdImplied1796006900000 } from './1796006900000-OwnerUserIdImplied';
import { ImpliedRecordValues1796007000000 } from './1796007000000-ImpliedRecordValues';
import { PackedMessageIds1796007100000 } from './1796007100000-PackedMessageIds';
import { PackedRecordKeys1796007200000 } from './1796007200000-PackedRecordKeys';
import { StaticIndexFill1796007300000 } from './1796007300000-StaticIndexFill';
import { DenseRecordRows1796007400000 } from './1796007400000-DenseRecordRows';
import { NarrowAccessRows1796007500000 } from './1796007500000-NarrowAccessRows';
import { NarrowFolderSyncs1796007600000 } from './1796007600000-NarrowFolderSyncs';

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
  MessageDetails1796005701808,
  AnalystTags1796005702025,
  ItemDetails1796005707091,
  ImportBatchImportedBy1796005726489,
  OrgInEveryKey1796005770082,
  RecordIdConflicts1796005911548,
  NonIpClientAddresses1796006161698,
  DeferredIndexes1796006174831,
  NarrowAppIndex1796006400000,
  CompactDictionaries1796006500000,
  AppBoundMessageCounts1796006600000,
  SessionAccessCounts1796006700000,
  AccessesWithoutPrimaryKey1796006800000,
  OwnerUserIdImplied1796006900000,
  ImpliedRecordValues1796007000000,
  PackedMessageIds1796007100000,
  PackedRecordKeys1796007200000,
  StaticIndexFill1796007300000,
  DenseRecordRows1796007400000,
  NarrowAccessRows1796007500000,
  NarrowFolderSyncs1796007600000,
];
