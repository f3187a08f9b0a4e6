import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/connect.js';

export const SCOPES = ['events:read', 'integrations:read', 'integrations:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyInfo {
  id: number;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdUtc: string;
  lastUsedUtc: string | null;
  revokedUtc: string | null;
}

/** A key is "obx_" + 12 visible characters (the prefix, stored) + 32 secret ones. */
const KEY = /^obx_([A-Za-z0-9_-]{12})([A-Za-z0-9_-]{32})$/;

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function parseScopes(text: string): Scope[] {
  const scopes = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown scope ${unknown.join(', ')}; scopes are ${SCOPES.join(', ')}`);
  if (scopes.length === 0) throw new Error(`give at least one scope: ${SCOPES.join(', ')}`);
  return [...new Set(scopes)] as Scope[];
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export async function createApiKey(
  store: Database,
  name: string,
  scopes: readonly Scope[],
): Promise<{ id: number; key: string; prefix: string }> {
  const key = `obx_${randomBytes(33).toString('base64url').slice(0, 44)}`;
  const prefix = key.slice(0, 16);
  const id = await store.dialect.insertReturningId(
    store.db,
    'integration.ApiKey',
    { Name: name, Prefix: prefix, KeyHash: hashKey(key), Scopes: scopes.join(',') },
    'ApiKeyId',
  );
  return { id, key, prefix };
}

export async function listApiKeys(store: Database): Promise<ApiKeyInfo[]> {
  const rows = await store.db
    .selectFrom('integration.ApiKey')
    .select(['ApiKeyId', 'Name', 'Prefix', 'Scopes', 'CreatedUtc', 'LastUsedUtc', 'RevokedUtc'])
    .orderBy('ApiKeyId')
    .execute();
  return rows.map((r) => ({
    id: Number(r.ApiKeyId),
    name: r.Name,
    prefix: r.Prefix,
    scopes: r.Scopes.split(',') as Scope[],
    createdUtc: iso(r.CreatedUtc) as string,
    lastUsedUtc: iso(r.LastUsedUtc),
    revokedUtc: iso(r.RevokedUtc),
  }));
}

/** Revokes by id or prefix; answers whether an active key was revoked. */
export async function revokeApiKey(store: Database, idOrPrefix: string, now = new Date()): Promise<boolean> {
  const byId = /^\d+$/.test(idOrPrefix);
  const result = await store.db
    .updateTable('integration.ApiKey')
    .set({ RevokedUtc: now })
    .where(byId ? 'ApiKeyId' : 'Prefix', '=', byId ? Number(idOrPrefix) : idOrPrefix)
    .where('RevokedUtc', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface VerifiedKey {
  id: number;
  scopes: Scope[];
}

/**
 * Finds an active key by its prefix and compares the whole key's hash in constant time, so
 * neither the lookup nor the comparison tells an attacker how much of a guess was right.
 */
export async function verifyApiKey(store: Database, presented: string): Promise<VerifiedKey | undefined> {
  const match = KEY.exec(presented);
  if (!match) return undefined;
  const rows = await store.db
    .selectFrom('integration.ApiKey')
    .select(['ApiKeyId', 'KeyHash', 'Scopes'])
    .where('Prefix', '=', presented.slice(0, 16))
    .where('RevokedUtc', 'is', null)
    .execute();
  const presentedHash = Buffer.from(hashKey(presented), 'hex');
  let found: VerifiedKey | undefined;
  for (const row of rows) {
    const stored = Buffer.from(row.KeyHash.trim(), 'hex');
    if (stored.length === presentedHash.length && timingSafeEqual(stored, presentedHash)) {
      found = { id: Number(row.ApiKeyId), scopes: row.Scopes.split(',') as Scope[] };
    }
  }
  return found;
}

/** Records that a key was used, at most once a minute per key, so `keys list` can show stale keys. */
export async function touchApiKey(store: Database, id: number, now = new Date()): Promise<void> {
  await store.db
    .updateTable('integration.ApiKey')
    .set({ LastUsedUtc: now })
    .where('ApiKeyId', '=', id)
    .where((eb) => eb.or([eb('LastUsedUtc', 'is', null), eb('LastUsedUtc', '<', new Date(now.getTime() - 60_000))]))
    .execute();
}
