/**
 * Which application a record was made through: ClientAppId (AppAccessContext or top level) names the app that
 * holds the token; AppId is the resource app Exchange saw and is the only id on older records.
 */
import type { NormalizedRecord } from '../types';

/** UserType Application (5) and ServicePrincipal (6): the app acted with its own identity, no signed-in user. */
const APP_ONLY_USER_TYPES = new Set([5, 6]);

export function appKey(r: Pick<NormalizedRecord, 'clientAppId' | 'appId'>): string | null {
  return (r.clientAppId ?? r.appId)?.toLowerCase() ?? null;
}

/** True when the record was made without a signed-in user. */
export function isAppOnly(r: Pick<NormalizedRecord, 'userType' | 'userId'>): boolean {
  if (r.userType !== null && APP_ONLY_USER_TYPES.has(r.userType)) return true;
  return r.userId === '' || /^ServicePrincipal_/i.test(r.userId);
}
