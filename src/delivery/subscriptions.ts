import type { Selectable } from 'kysely';
import type { Subscription, SubscriptionStore } from './subscription-service.js';
import { writeInRounds } from '../db/chunks.js';
import type { Database } from '../db/connect.js';
import type { WebhookSubscriptionTable } from '../db/store-tables.js';
import { utcText } from '../outbox/envelope.js';
import { cancelPendingDeliveries } from './delivery-store.js';
import { generateSecret, secretKey, type SigningSecrets } from './signing.js';

/*
 * The WebhookSubscription table: what the API's routes manage and what the dispatcher reads.
 * Secrets leave this module only as key bytes for signing, or once, when created or rotated.
 */

const COLUMNS = [
  'SubscriptionId',
  'Url',
  'EventTypes',
  'Description',
  'Enabled',
  'DisabledReason',
  'CreatedUtc',
  'UpdatedUtc',
  'OwnerKeyId',
] as const;
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
    ownerKeyId: row.OwnerKeyId === null ? null : Number(row.OwnerKeyId),
  };
}

export interface SubscriptionStoreOptions {
  /** How long the secret before a rotation keeps signing beside the new one. */
  secretOverlapHours: number;
}

export function kyselySubscriptionStore(
  store: Database,
  options: SubscriptionStoreOptions,
  now: () => Date = () => new Date(),
): SubscriptionStore {
  const { db } = store;
  const get = async (id: number) => {
    const row = await db.selectFrom('integration.WebhookSubscription').select(COLUMNS).where('SubscriptionId', '=', id).executeTakeFirst();
    return row ? toSubscription(row) : undefined;
  };
  return {
    async create(input) {
      const secret = input.secret ?? generateSecret();
      secretKey(secret);
      const id = await store.dialect.insertReturningId(
        db,
        'integration.WebhookSubscription',
        {
          Url: input.url,
          EventTypes: input.eventTypes.join(','),
          Description: input.description ?? null,
          Secret: secret,
          Enabled: input.enabled ?? true,
          OwnerKeyId: input.ownerKeyId ?? null,
          CreatedUtc: now(),
          UpdatedUtc: now(),
        },
        'SubscriptionId',
      );
      return { subscription: (await get(id)) as Subscription, secret };
    },
    get,
    async list(afterId, limit, ownerKeyId) {
      let query = db
        .selectFrom('integration.WebhookSubscription')
        .select(COLUMNS)
        .where('SubscriptionId', '>', afterId)
        .orderBy('SubscriptionId');
      if (ownerKeyId !== undefined) query = query.where('OwnerKeyId', '=', ownerKeyId);
      query = store.dialect.first(query, limit);
      return (await query.execute()).map(toSubscription);
    },
    async update(id, patch) {
      const result = await db
        .updateTable('integration.WebhookSubscription')
        .set({
          ...(patch.url === undefined ? {} : { Url: patch.url }),
          ...(patch.eventTypes === undefined ? {} : { EventTypes: patch.eventTypes.join(',') }),
          ...(patch.description === undefined ? {} : { Description: patch.description }),
          // Enabling again starts a new failing run: the 5-day rule counts from the next failure.
          ...(patch.enabled === undefined ? {} : { Enabled: patch.enabled, DisabledReason: null, FailingSinceUtc: null }),
          UpdatedUtc: now(),
        })
        .where('SubscriptionId', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      if (patch.enabled === false) {
        // A disabled subscription receives nothing; `outbox deliveries recover` queues it again.
        await cancelPendingDeliveries(db, store.dialect, id, 'subscription disabled', now());
      }
      return get(id);
    },
    async rotateSecret(id) {
      const secret = generateSecret();
      const at = now();
      const result = await db
        .updateTable('integration.WebhookSubscription')
        .set((eb) => ({
          PreviousSecret: eb.ref('Secret'),
          PreviousSecretExpiresUtc: new Date(at.getTime() + options.secretOverlapHours * 3600_000),
          Secret: secret,
          UpdatedUtc: at,
        }))
        .where('SubscriptionId', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      return { subscription: (await get(id)) as Subscription, secret };
    },
    async delete(id) {
      // Deliveries and their attempts go with it. ON DELETE CASCADE would remove them in the one
      // DELETE of the subscription, however many, far above lock escalation on SQL Server: its
      // attempts, then its deliveries go first, a bounded statement at a time, in one transaction.
      const { dialect } = store;
      return db.transaction().execute(async (trx) => {
        const ofSubscription = trx.selectFrom('integration.WebhookDelivery').select('DeliveryId').where('SubscriptionId', '=', id);
        await writeInRounds(dialect, trx.deleteFrom('integration.DeliveryAttempt').where('DeliveryId', 'in', ofSubscription));
        await writeInRounds(dialect, trx.deleteFrom('integration.WebhookDelivery').where('SubscriptionId', '=', id));
        const result = await trx.deleteFrom('integration.WebhookSubscription').where('SubscriptionId', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },
  };
}

/** What the dispatcher needs of a subscription to send to it. */
export interface DeliveryTarget {
  id: number;
  url: string;
  enabled: boolean;
  /** Undefined when the stored secret is unusable (edited by hand): see secretProblem. */
  secrets: SigningSecrets | undefined;
  secretProblem: string | null;
}

function keyOf(secret: string | null): Buffer | undefined {
  if (secret === null) return undefined;
  try {
    return secretKey(secret);
  } catch {
    return undefined;
  }
}

/** The targets of these subscription ids; a deleted subscription is absent from the map. */
export async function loadDeliveryTargets(store: Database, ids: readonly number[], now: Date): Promise<Map<number, DeliveryTarget>> {
  const targets = new Map<number, DeliveryTarget>();
  if (ids.length === 0) return targets;
  const rows = await store.db
    .selectFrom('integration.WebhookSubscription')
    .select(['SubscriptionId', 'Url', 'Enabled', 'Secret', 'PreviousSecret', 'PreviousSecretExpiresUtc'])
    .where('SubscriptionId', 'in', [...ids])
    .execute();
  for (const row of rows) {
    const current = keyOf(row.Secret);
    const previousValid = row.PreviousSecretExpiresUtc !== null && new Date(row.PreviousSecretExpiresUtc) > now;
    targets.set(Number(row.SubscriptionId), {
      id: Number(row.SubscriptionId),
      url: row.Url,
      enabled: Boolean(row.Enabled),
      secrets: current ? { current, previous: previousValid ? keyOf(row.PreviousSecret) : undefined } : undefined,
      secretProblem: current ? null : 'the stored signing secret is not whsec_ + base64 of at least 24 bytes: rotate it',
    });
  }
  return targets;
}
