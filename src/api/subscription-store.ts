import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Selectable } from 'kysely';
import type { Config } from '../config/schema.js';
import type { Database } from '../db/connect.js';
import type { WebhookSubscriptionTable } from '../db/store-tables.js';
import { utcText } from '../outbox/envelope.js';
import type { Subscription, SubscriptionServices, SubscriptionStore, UrlGuard } from './subscription-service.js';

/*
 * A minimal stand-in for the delivery module's subscription store, URL guard and test sender,
 * so the API can be built and tested on its own. The lead replaces `defaultSubscriptionServices`
 * with the delivery module's at merge; nothing else in src/api uses this file.
 */

const COLUMNS = ['SubscriptionId', 'Url', 'EventTypes', 'Description', 'Enabled', 'DisabledReason', 'CreatedUtc', 'UpdatedUtc'] as const;
type Row = Pick<Selectable<WebhookSubscriptionTable>, (typeof COLUMNS)[number]>;

function toSubscription(row: Row): Subscription {
  return {
    id: Number(row.SubscriptionId),
    url: row.Url,
    eventTypes: row.EventTypes.split(',').filter(Boolean),
    description: row.Description,
    enabled: Boolean(row.Enabled),
    disabledReason: row.DisabledReason,
    createdUtc: utcText(row.CreatedUtc),
    updatedUtc: utcText(row.UpdatedUtc),
  };
}

const newSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

export function kyselySubscriptionStore(store: Database, now: () => Date = () => new Date()): SubscriptionStore {
  const { db } = store;
  const get = async (id: number) => {
    const row = await db.selectFrom('integration.WebhookSubscription').select(COLUMNS).where('SubscriptionId', '=', id).executeTakeFirst();
    return row ? toSubscription(row) : undefined;
  };
  return {
    async create(input) {
      const secret = input.secret ?? newSecret();
      const id = await store.dialect.insertReturningId(
        db,
        'integration.WebhookSubscription',
        {
          Url: input.url,
          EventTypes: input.eventTypes.join(','),
          Description: input.description ?? null,
          Secret: secret,
          Enabled: input.enabled ?? true,
          CreatedUtc: now(),
          UpdatedUtc: now(),
        },
        'SubscriptionId',
      );
      return { subscription: (await get(id)) as Subscription, secret };
    },
    get,
    async list(afterId, limit) {
      let query = db
        .selectFrom('integration.WebhookSubscription')
        .select(COLUMNS)
        .where('SubscriptionId', '>', afterId)
        .orderBy('SubscriptionId');
      query = store.dialect.name === 'mssql' ? query.top(limit) : query.limit(limit);
      return (await query.execute()).map(toSubscription);
    },
    async update(id, patch) {
      const result = await db
        .updateTable('integration.WebhookSubscription')
        .set({
          ...(patch.url === undefined ? {} : { Url: patch.url }),
          ...(patch.eventTypes === undefined ? {} : { EventTypes: patch.eventTypes.join(',') }),
          ...(patch.description === undefined ? {} : { Description: patch.description }),
          ...(patch.enabled === undefined ? {} : { Enabled: patch.enabled, DisabledReason: null }),
          UpdatedUtc: now(),
        })
        .where('SubscriptionId', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0 ? get(id) : undefined;
    },
    async rotateSecret(id) {
      const secret = newSecret();
      const at = now();
      const result = await db
        .updateTable('integration.WebhookSubscription')
        .set((eb) => ({
          PreviousSecret: eb.ref('Secret'),
          PreviousSecretExpiresUtc: new Date(at.getTime() + 24 * 3600_000),
          Secret: secret,
          UpdatedUtc: at,
        }))
        .where('SubscriptionId', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      return { subscription: (await get(id)) as Subscription, secret };
    },
    async delete(id) {
      // Deliveries and their attempts go with it (ON DELETE CASCADE).
      const result = await db.deleteFrom('integration.WebhookSubscription').where('SubscriptionId', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

/** Literal private, loopback and link-local addresses; the resolver-based check is delivery's. */
function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (isIP(h) === 6)
    return h === '::1' || h === '::' || h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80') || h.startsWith('::ffff:');
  return false;
}

export function literalUrlGuard(env: Config['env']): UrlGuard {
  return {
    async check(text) {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return { ok: false, reason: 'is not an absolute URL' };
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:')
        return { ok: false, reason: 'must use https (or http outside production)' };
      if (url.username || url.password) return { ok: false, reason: 'must not carry credentials' };
      if (env === 'production') {
        if (url.protocol !== 'https:') return { ok: false, reason: 'must use https in production' };
        if (isPrivateHost(url.hostname)) return { ok: false, reason: 'must not point at a private or loopback address in production' };
      }
      return { ok: true };
    },
  };
}

export function defaultSubscriptionServices(store: Database, config: Config): SubscriptionServices {
  return {
    store: kyselySubscriptionStore(store),
    urlGuard: literalUrlGuard(config.env),
    // Until the delivery module is merged, nothing is sent: the answer shows the signed sample's
    // envelope so a caller can see what will arrive.
    sendTestEvent: async (subscription) => ({
      sent: false,
      httpStatus: null,
      error: 'test sending arrives with the delivery module; nothing was sent',
      envelope: {
        id: 0,
        type: subscription.eventTypes.find((t) => !t.includes('*')) ?? 'client.created',
        createdUtc: utcText(new Date()),
        companyId: config.companyId,
        payload: { test: true },
        metadata: { test: true, subscription_id: subscription.id },
      },
    }),
  };
}
