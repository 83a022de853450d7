import { registerEnumType } from 'type-graphql';
import { FORMATS, type ImportFormat } from '../../../import/formats';

export enum MailAccessTypeEnum {
  BIND = 'BIND',
  SYNC = 'SYNC',
}
registerEnumType(MailAccessTypeEnum, {
  name: 'MailAccessType',
  description: 'BIND: individual messages (confirmed). SYNC: a whole folder downloaded by Outlook desktop (presumed).',
});

/** AUTO plus every format of the registry (src/import/formats). */
export type ImportFormatEnum = ImportFormat | 'AUTO';
export const ImportFormatEnum = Object.fromEntries([['AUTO', 'AUTO'], ...FORMATS.map((f) => [f.id, f.id])]) as {
  [F in ImportFormatEnum]: F;
};
registerEnumType(ImportFormatEnum, {
  name: 'ImportFormat',
  description: 'The export shape. AUTO detects it from the content (not the file name).',
  valuesConfig: Object.fromEntries(FORMATS.map((f) => [f.id, { description: f.description }])),
});

export enum ImportStatusEnum {
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(ImportStatusEnum, { name: 'ImportStatus' });
