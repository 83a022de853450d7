import { appDisplayName } from '../../src/enrich';

describe('which application read the mail: Microsoft first-party app names', () => {
  test.each([
    ['00000003-0000-0000-c000-000000000000', 'Microsoft Graph'],
    ['00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online'],
    ['d3590ed6-52b3-4102-aeff-aad2292ab01c', 'Microsoft Office'],
    ['27922004-5251-4030-b22d-91ecd9a37ea4', 'Outlook Mobile'],
    ['5d661950-3475-41cd-a2c3-d671a3162bc1', 'Microsoft Outlook'],
    ['1fec8e78-bce4-4aaf-ab1b-5451cc387264', 'Microsoft Teams'],
  ])('%s is %s', (appId, name) => {
    expect(appDisplayName(appId)).toBe(name);
  });

  test('GUIDs match in any case, with braces and surrounding space', () => {
    expect(appDisplayName('00000003-0000-0000-C000-000000000000')).toBe('Microsoft Graph');
    expect(appDisplayName('{D3590ED6-52B3-4102-AEFF-AAD2292AB01C}')).toBe('Microsoft Office');
    expect(appDisplayName('  27922004-5251-4030-b22d-91ecd9a37ea4 ')).toBe('Outlook Mobile');
  });

  test.each([
    ['a third-party or attacker-registered app', '6b7c8e4f-1a2b-4c3d-9e8f-0a1b2c3d4e5f'],
    ['a listed id whose name the list leaves empty', 'c4b110d7-6f1d-473d-aa9e-6e74b8b8bd4b'],
    ['not a GUID', 'Microsoft Graph'],
    ['empty', ''],
    ['hostile', '"'.repeat(5000)],
  ])('%s has no name (null, never a guess)', (_what, appId) => {
    expect(appDisplayName(appId)).toBeNull();
  });
});
