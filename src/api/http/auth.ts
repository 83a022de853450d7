/**
 * API keys: `Authorization: Bearer <key>` (or `X-API-Key: <key>`). Only SHA-256 hashes are stored. Roles
 * (reader < importer < admin) decide what a key may do; every key belongs to one organisation, which scopes
 * every query.
 */
import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiKey, type ApiKeyRole } from '../../model/api-key.entity';
import { DEFAULT_ORG_ID } from '../../model/organization.entity';

export interface Principal {
  keyId: number;
  orgId: number;
  role: ApiKeyRole;
  name: string;
}

const RANK: Record<ApiKeyRole, number> = { reader: 1, importer: 2, admin: 3 };

export function roleAllows(role: ApiKeyRole, needed: ApiKeyRole): boolean {
  return RANK[role] >= RANK[needed];
}

export function hashKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

export function newKeyText(): string {
  return 'mt_' + crypto.randomBytes(24).toString('base64url');
}

export function keyFromHeaders(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers['authorization'];
  const value = Array.isArray(auth) ? auth[0] : auth;
  if (value) {
    const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(value);
    if (match) return match[1];
  }
  const apiKey = headers['x-api-key'];
  const raw = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return raw?.trim() || null;
}

/** Keys remembered at most; beyond this the least recently used are forgotten, so no client can grow the cache. */
export const KEY_CACHE_SIZE = 1000;
/** A known key is trusted this long, so a revoked key stops working within that time. */
const KNOWN_KEY_TTL_MS = 30_000;
/** An unknown key is remembered only briefly: retries cost no query, and a typo fixed in the database works soon. */
const UNKNOWN_KEY_TTL_MS = 5_000;

export class ApiKeyStore {
  /** By key hash, least recently used first (a Map keeps insertion order). */
  private cache = new Map<string, { principal: Principal | null; expires: number }>();

  constructor(private readonly dataSource: DataSource) {}

  get cachedKeys(): number {
    return this.cache.size;
  }

  /** Looks a key up, through a bounded cache (see KEY_CACHE_SIZE and the TTLs above). */
  async authenticate(key: string | null): Promise<Principal | null> {
    if (!key || key.length > 200) return null;
    const hash = hashKey(key);
    const hit = this.cache.get(hash);
    this.cache.delete(hash);
    if (hit && Date.now() < hit.expires) {
      this.cache.set(hash, hit);
      return hit.principal;
    }
    const row = await this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder('k')
      .where('k.keyHash = :hash AND k.revokedAt IS NULL', { hash })
      .getOne();
    const principal = row ? { keyId: row.id, orgId: row.orgId, role: row.role, name: row.name } : null;
    this.cache.set(hash, { principal, expires: Date.now() + (principal ? KNOWN_KEY_TTL_MS : UNKNOWN_KEY_TTL_MS) });
    if (this.cache.size > KEY_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return principal;
  }

  async create(opts: { name: string; role: ApiKeyRole; orgId?: number; key?: string }): Promise<string> {
    const key = opts.key ?? newKeyText();
    await this.dataSource.getRepository(ApiKey).insert({
      name: opts.name,
      role: opts.role,
      orgId: opts.orgId ?? DEFAULT_ORG_ID,
      keyHash: hashKey(key),
    });
    return key;
  }

  /** Makes sure `key` works (used for MAILTRAIL_API_KEY): inserts it as an admin key if it is new. */
  async ensure(key: string, name: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO api_key (org_id, name, role, key_hash) VALUES ($1, $2, 'admin', $3) ON CONFLICT ON CONSTRAINT uq_api_key_hash DO NOTHING`,
      [DEFAULT_ORG_ID, name, hashKey(key)],
    );
  }

  async count(): Promise<number> {
    return this.dataSource.getRepository(ApiKey).count();
  }
}
