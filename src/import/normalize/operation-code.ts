/**
 * How audit_record stores an Operation (migration DenseRecordRows): one of these exact spellings as its 2-byte code
 * (position + 1) in `operation_code`, any other text (another case, a new or unknown operation) as written in
 * `operation_text`. SQL reads it back as `r.operation`: the function `operation(audit_record)` maps the codes with
 * the same list, frozen in that migration, so this list may only grow, at its end, with a migration that replaces
 * the function (test/integration/migration-dense-record-rows.test.ts compares the two).
 */
export const OPERATION_CODES: readonly string[] = [
  'MailItemsAccessed', 'Send', 'SendAs', 'SendOnBehalf', 'Create', 'Update', 'Copy', 'Move', 'MoveToDeletedItems',
  'SoftDelete', 'HardDelete', 'FolderBind', 'MessageBind', 'MailboxLogin', 'SearchQueryInitiatedExchange',
  'UpdateInboxRules', 'New-InboxRule', 'Set-InboxRule', 'Remove-InboxRule', 'Enable-InboxRule', 'Disable-InboxRule',
  'AddFolderPermissions', 'ModifyFolderPermissions', 'RemoveFolderPermissions', 'UpdateFolderPermissions',
  'UpdateCalendarDelegation', 'ApplyRecord', 'RecordDelete', 'UpdateComplianceTag', 'AttachmentAccess',
  'Set-Mailbox', 'Add-MailboxPermission', 'Remove-MailboxPermission', 'Add-RecipientPermission',
  'Remove-RecipientPermission', 'Add-MailboxFolderPermission', 'Set-MailboxFolderPermission',
  'Remove-MailboxFolderPermission', 'New-TransportRule', 'Set-TransportRule', 'UserLoggedIn', 'UserLoginFailed',
];

const CODE_OF = new Map(OPERATION_CODES.map((op, i) => [op, i + 1]));

export function storedOperation(operation: string): { code: number | null; text: string | null } {
  const code = CODE_OF.get(operation);
  return code === undefined ? { code: null, text: operation } : { code, text: null };
}
