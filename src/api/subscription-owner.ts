import { type ApiKeyInfo, listApiKeys } from './api-keys.js';
import type { Database } from '../db/connect.js';

/** Why an owner cannot be assigned: the user's mistake, said in one line. */
export class OwnerError extends Error {}

/**
 * The active key a reference names: its id, its prefix (obx_ and 12 characters, as `keys list`
 * shows it) or its name when exactly one active key has that name.
 */
export async function findOwnerKey(store: Database, reference: string): Promise<ApiKeyInfo> {
  const keys = await listApiKeys(store);
  const matching = /^\d+$/.test(reference)
    ? keys.filter((k) => k.id === Number(reference))
    : keys.filter((k) => k.prefix === reference || k.name === reference);
  const active = matching.filter((k) => k.revokedUtc === null);
  if (active.length === 0) {
    throw new OwnerError(
      matching.length > 0
        ? `API key ${reference} is revoked: a revoked key cannot manage subscriptions`
        : `no API key ${reference}; outbox keys list shows them (id, prefix, name)`,
    );
  }
  if (active.length > 1) {
    throw new OwnerError(
      `${active.length} active API keys are named ${reference} (ids ${active.map((k) => k.id).join(', ')}): give the id`,
    );
  }
  const key = active[0] as ApiKeyInfo;
  // A key without these could not change or delete the subscription anyway.
  if (!key.scopes.includes('integrations:write') && !key.scopes.includes('admin')) {
    throw new OwnerError(`API key ${key.id} (${key.name}) lacks integrations:write: it could not manage the subscription`);
  }
  return key;
}

/** Subscriptions whose owner was set, with the key that owned each before (null: none). */
export interface AssignedOwner {
  subscriptionId: number;
  previousOwnerKeyId: number | null;
}

/**
 * Makes the key the owner of one subscription, or of every subscription that has none (made
 * before migration 0007 or outside the API), so that key's client (a Zapier connection) can
 * change and delete them without `admin`.
 */
export async function assignOwner(store: Database, ownerKeyId: number, target: number | 'all-unowned'): Promise<AssignedOwner[]> {
  return store.db.transaction().execute(async (trx) => {
    let query = trx.selectFrom('integration.WebhookSubscription').select(['SubscriptionId', 'OwnerKeyId']);
    query = target === 'all-unowned' ? query.where('OwnerKeyId', 'is', null) : query.where('SubscriptionId', '=', target);
    const rows = await query.orderBy('SubscriptionId').execute();
    if (target !== 'all-unowned' && rows.length === 0)
      throw new OwnerError(`no subscription ${target}; outbox subscriptions list shows them all`);
    if (rows.length > 0) {
      // The same condition as the select, not a list of ids: SQL Server takes at most 2,100 parameters.
      let update = trx.updateTable('integration.WebhookSubscription').set({ OwnerKeyId: ownerKeyId, UpdatedUtc: new Date() });
      update = target === 'all-unowned' ? update.where('OwnerKeyId', 'is', null) : update.where('SubscriptionId', '=', target);
      await update.execute();
    }
    return rows.map((r) => ({
      subscriptionId: Number(r.SubscriptionId),
      previousOwnerKeyId: r.OwnerKeyId === null ? null : Number(r.OwnerKeyId),
    }));
  });
}
