/**
 * API keys: `Authorization: Bearer <key>` (or `X-API-Key: <key>`). Only SHA-256 hashes are stored. Roles
 * (reader < importer < admin) decide what a key may do; every key belongs to one organisation, which scopes
 * every query.
 */
import crypto from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
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

/** Our keys are 35 characters (mt_ + 24 random bytes); anything far longer is refused without a lookup. */
export const MAX_KEY_CHARS = 200;
/** Keys remembered at most; beyond this the least recently used are forgotten, so no client can grow the cache. */
export const KEY_CACHE_SIZE = 1000;
/**
 * A known key is trusted this long. Changes to keys are also announced (key-changes.ts), which empties the cache
 * at once; while that announcement cannot be heard, known keys are looked up on every request.
 */
const KNOWN_KEY_TTL_MS = 30_000;
/** An unknown key is remembered only briefly: retries cost no query, and a typo fixed in the database works soon. */
const UNKNOWN_KEY_TTL_MS = 5_000;

export class ApiKeyStore {
  /** By key hash, least recently used first (a Map keeps insertion order). */
  private cache = new Map<string, { principal: Principal | null; expires: number }>();
  /** False while changes to keys cannot be heard: then no known key is served from the cache. */
  cacheTrusted = true;

  constructor(readonly dataSource: DataSource) {}

  get cachedKeys(): number {
    return this.cache.size;
  }

  /** Looks a key up, through a bounded cache (see KEY_CACHE_SIZE and the TTLs above). */
  async authenticate(key: string | null): Promise<Principal | null> {
    if (!key || key.length > MAX_KEY_CHARS) return null;
    const hash = hashKey(key);
    const hit = this.cache.get(hash);
    this.cache.delete(hash);
    if (hit && Date.now() < hit.expires && (this.cacheTrusted || !hit.principal)) {
      this.cache.set(hash, hit);
      return hit.principal;
    }
    // The lookup also stamps last_used_at when it is over a minute old: one statement, no write per request.
    const [row]: { id: number; org_id: number; role: ApiKeyRole; name: string; expires_at: Date | null }[] = await this.dataSource.query(
      `WITH k AS (SELECT id, org_id, role, name, last_used_at, expires_at FROM api_key
                  WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())),
            touched AS (UPDATE api_key a SET last_used_at = now() FROM k
                        WHERE a.id = k.id AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute'))
       SELECT id, org_id, role, name, expires_at FROM k`,
      [hash],
    );
    const principal = row ? { keyId: row.id, orgId: row.org_id, role: row.role, name: row.name } : null;
    // A key that expires sooner is not trusted past its expiry.
    const ttl = principal ? Math.min(KNOWN_KEY_TTL_MS, row.expires_at ? row.expires_at.getTime() - Date.now() : Infinity) : UNKNOWN_KEY_TTL_MS;
    this.cache.set(hash, { principal, expires: Date.now() + ttl });
    if (this.cache.size > KEY_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return principal;
  }

  /** Forgets every cached key (a key changed somewhere): the next request of each looks it up again. */
  forgetAll(): void {
    this.cache.clear();
  }

  async create(opts: { name: string; role: ApiKeyRole; orgId?: number; key?: string; expiresAt?: Date | null }): Promise<string> {
    const key = opts.key ?? newKeyText();
    await this.dataSource.getRepository(ApiKey).insert({
      name: opts.name,
      role: opts.role,
      orgId: opts.orgId ?? DEFAULT_ORG_ID,
      keyHash: hashKey(key),
      expiresAt: opts.expiresAt ?? null,
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

  /** Every key, oldest first; revoked ones only when asked. Never the key (only its hash is stored anyway). */
  async list(opts: { includeRevoked?: boolean } = {}): Promise<ApiKeySummary[]> {
    const rows = await this.dataSource.getRepository(ApiKey).find({
      where: opts.includeRevoked ? {} : { revokedAt: IsNull() },
      order: { id: 'ASC' },
    });
    return rows.map((k) => ({ id: k.id, name: k.name, role: k.role, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt, expiresAt: k.expiresAt, revokedAt: k.revokedAt }));
  }

  /** The active keys with this name (names are meant to be unique among active keys; older data may repeat them). */
  async activeNamed(name: string): Promise<ApiKeySummary[]> {
    return (await this.list()).filter((k) => k.name === name);
  }

  /** Revokes one active key by id; false if there is none. Running servers hear of it and refuse it at once. */
  async revoke(id: number): Promise<boolean> {
    const result = await this.dataSource.query('UPDATE api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id]);
    return result[0].length > 0;
  }
}

export interface ApiKeySummary {
  id: number;
  name: string;
  role: ApiKeyRole;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}
