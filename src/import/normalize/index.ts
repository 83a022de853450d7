/** The one normalisation entry point every reader's records pass through. Pure: no I/O. */
export { NormalizationError } from './errors';
export { normalizeRecord, normalizeRecordWithNotes, type NormalizeResult } from './record';
export { NOTE_CODES, NoteTally, type BatchNote, type NormalizationNote } from './notes';
export { normalizeDetail, mailboxFolder, type NormalizedDetail } from './detail';
export { canonicalIp } from './ip';
export { canonicalMessageId, dictionaryKeyHash, exchangeOnlineParts, exchangeOnlineSpelling, itemKey, messageKey, messageKeyHash } from './message-id';
export { parseAuditTime, parseWrapperDate, type WrapperDate } from './time';
export { mailAccessProperties, type MailAccessProperties } from './operation-properties';
export { recordKey, usableId, contentKey, canonicalJson, storedRecordKey, storedRecordKeys } from './record-key';
export { recordTypeValue, logonTypeValue } from './record-type';
export { OPERATION_CODES, storedOperation } from './operation-code';
export { storedGuid, storedItemId } from './values';
