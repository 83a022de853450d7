import { readFileSync } from 'node:fs';
import { enrichmentDataFile, lazily } from './data-dir';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Microsoft first-party app id → display name, from the shipped MicrosoftApps.csv (merill/microsoft-info):
 * `"AppId","AppDisplayName","AppOwnerOrganizationId","Source"`, every field quoted. Rows without a name are left
 * out, so those ids stay unknown (null) rather than named "".
 */
export const microsoftApps = lazily(() => {
  const names = new Map<string, string>();
  const lines = readFileSync(enrichmentDataFile('MicrosoftApps.csv'), 'utf8').split(/\r?\n/);
  for (const line of lines.slice(1)) {
    const fields = [...line.matchAll(/"((?:[^"]|"")*)"(?:,|$)/g)].map((m) => m[1]!.replace(/""/g, '"'));
    const [appId, displayName] = fields;
    if (appId && displayName && GUID.test(appId.toLowerCase())) names.set(appId.toLowerCase(), displayName);
  }
  return names;
});

/** The display name of a Microsoft first-party app id (any case, braces allowed); null when not in the list. */
export function appDisplayName(appId: string): string | null {
  if (typeof appId !== 'string') return null;
  const id = appId.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();
  return GUID.test(id) ? (microsoftApps().get(id) ?? null) : null;
}
