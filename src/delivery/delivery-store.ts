import { chunks, IDS_PER_STATEMENT, inRounds, ROWS_PER_WRITE, writeInRounds } from '../db/chunks.js';
import type { Database } from '../db/connect.js';
import type { Db, Trx } from '../db/dialect.js';
import type { SqlDialect } from '../db/sql-dialect.js';
import { queueDeliveries } from '../outbox/append-events.js';
import { EVENT_TYPES, subscriptionTakes } from '../outbox/event-types.js';
import type { AttemptInsertRow, DeliveryUpdateRow } from '../db/ports/delivery.js';

/** Attempt and delivery rows per statement: each row is one JSON object of a statement's parameter. */
const RESULTS_PER_STATEMENT = 500;

/** What a batch of results does to the subscriptions besides their deliveries. */
export interface SubscriptionEffects {
  /** Had a success in the batch: their failing run ends. */
  succeeded: readonly number[];
  /** Failed every attempt in the batch: their failing run starts (if it had not) at `at`. */
  failing: readonly number[];
  /** Answered 410 Gone. */
  gone: readonly number[];
}

export interface RecordOptions {
  owner: string;
  now: Date;
  /** Subscriptions failing since before this are disabled. */
  failingCutoff: Date;
}

/** Subscriptions disabled by this write, and why, for the log. */
export interface Disabled {
  subscriptionId: number;
  reason: string;
}

/**
 * Writes one batch of results in one transaction: the attempt log rows, the deliveries' new
 * state, the subscriptions' failing runs, and the disabling of subscriptions that answered 410 or
 * have failed every attempt for too long (their queued deliveries are cancelled with them).
 */
export async function recordResults(
  store: Database,
  attempts: readonly AttemptInsertRow[],
  updates: readonly DeliveryUpdateRow[],
  effects: SubscriptionEffects,
  options: RecordOptions,
): Promise<Disabled[]> {
  return store.db.transaction().execute(async (trx) => {
    const { delivery } = store.dialect;
    for (const rows of chunks(attempts, RESULTS_PER_STATEMENT)) await delivery.insertAttempts(trx, options.owner, rows);
    for (const rows of chunks(updates, RESULTS_PER_STATEMENT)) await delivery.updateDeliveries(trx, options.owner, rows);
    for (const ids of chunks(effects.succeeded, IDS_PER_STATEMENT)) {
      await trx
        .updateTable('integration.WebhookSubscription')
        .set({ FailingSinceUtc: null })
        .where('SubscriptionId', 'in', ids)
        .where('FailingSinceUtc', 'is not', null)
        .execute();
    }
    const disabled: Disabled[] = [];
    for (const ids of chunks(effects.failing, IDS_PER_STATEMENT)) {
      await trx
        .updateTable('integration.WebhookSubscription')
        .set({ FailingSinceUtc: options.now })
        .where('SubscriptionId', 'in', ids)
        .where('FailingSinceUtc', 'is', null)
        .execute();
      const expired = await trx
        .selectFrom('integration.WebhookSubscription')
        .select('SubscriptionId')
        .where('SubscriptionId', 'in', ids)
        .where('Enabled', '=', true)
        .where('FailingSinceUtc', '<=', options.failingCutoff)
        .execute();
      for (const row of expired) {
        disabled.push({
          subscriptionId: Number(row.SubscriptionId),
          reason: 'every attempt failed for too long: disabled by the dispatcher',
        });
      }
    }
    for (const id of effects.gone)
      disabled.push({ subscriptionId: id, reason: 'the endpoint answered 410 Gone: disabled by the dispatcher' });
    for (const { subscriptionId, reason } of disabled) {
      await trx
        .updateTable('integration.WebhookSubscription')
        .set({ Enabled: false, DisabledReason: reason, UpdatedUtc: options.now })
        .where('SubscriptionId', '=', subscriptionId)
        .where('Enabled', '=', true)
        .execute();
      await cancelPendingDeliveries(trx, store.dialect, subscriptionId, reason, options.now);
    }
    return disabled;
  });
}

/**
 * Cancels every pending delivery of a disabled subscription, held by a dispatcher or not: the
 * claim takes only enabled subscriptions' rows, so one left pending would stay so for good and
 * keep retention from its event. The lease goes too, so a dispatcher's later result (written only
 * where it still holds the lease) leaves the cancelled row as it is. ROWS_PER_WRITE rows a
 * statement: a subscription's backlog can be far above lock escalation. Returns the rows cancelled.
 */
export async function cancelPendingDeliveries(
  db: Db | Trx,
  dialect: SqlDialect,
  subscriptionId: number,
  reason: string,
  now: Date,
): Promise<number> {
  return inRounds(ROWS_PER_WRITE, () => dialect.delivery.cancelPending(db, subscriptionId, reason.slice(0, 200), now, ROWS_PER_WRITE));
}

/** Keeps held deliveries leased while they wait in this process's queues. */
export async function renewLeases(store: Database, owner: string, deliveryIds: readonly number[], until: Date): Promise<void> {
  for (const ids of chunks(deliveryIds, IDS_PER_STATEMENT)) {
    await store.db
      .updateTable('integration.WebhookDelivery')
      .set({ LeaseExpiresUtc: until, NextAttemptUtc: until })
      .where('DeliveryId', 'in', ids)
      .where('LeaseOwner', '=', owner)
      .where('Status', '=', store.dialect.deliveryStatus('pending'))
      .execute();
  }
}

/**
 * Which of these deliveries are still pending and leased to `owner`: the others were cancelled
 * (their subscription disabled or deleted) or, their lease lost, passed to another dispatcher.
 */
export async function leasedDeliveries(store: Database, owner: string, deliveryIds: readonly number[]): Promise<Set<number>> {
  const leased = new Set<number>();
  for (const ids of chunks(deliveryIds, IDS_PER_STATEMENT)) {
    const rows = await store.db
      .selectFrom('integration.WebhookDelivery')
      .select('DeliveryId')
      .where('DeliveryId', 'in', ids)
      .where('LeaseOwner', '=', owner)
      .where('Status', '=', store.dialect.deliveryStatus('pending'))
      .execute();
    for (const row of rows) leased.add(Number(row.DeliveryId));
  }
  return leased;
}

/** Gives deliveries back unsent (shutdown, paused endpoint): due again at `due`, no attempt counted. */
export async function releaseLeases(store: Database, owner: string, deliveryIds: readonly number[], due: Date): Promise<void> {
  for (const ids of chunks(deliveryIds, IDS_PER_STATEMENT)) {
    await store.db
      .updateTable('integration.WebhookDelivery')
      .set({ LeaseOwner: null, LeaseExpiresUtc: null, NextAttemptUtc: due })
      .where('DeliveryId', 'in', ids)
      .where('LeaseOwner', '=', owner)
      .where('Status', '=', store.dialect.deliveryStatus('pending'))
      .execute();
  }
}

export interface RequeueResult {
  requeued: number;
  /** New deliveries of events the subscription never had (recover only). */
  fannedOut: number;
}

/**
 * `outbox deliveries resend`: queues one delivery again at once, whatever its state, with a
 * fresh series of retries. False when there is no such delivery.
 */
export async function resendDelivery(store: Database, deliveryId: number, now: Date): Promise<boolean> {
  const result = await store.db
    .updateTable('integration.WebhookDelivery')
    .set({
      Status: 'pending',
      AttemptCount: 0,
      NextAttemptUtc: now,
      RequeuedUtc: now,
      CompletedUtc: null,
      LeaseOwner: null,
      LeaseExpiresUtc: null,
    })
    .where('DeliveryId', '=', deliveryId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Why a resend or recover was refused: no such delivery or subscription, or it is disabled. */
export class RecoverError extends Error {
  constructor(
    readonly kind: 'not_found' | 'disabled',
    message: string,
  ) {
    super(message);
  }
}

const RECOVER_PAGE = 5000;

/**
 * `outbox deliveries recover`: for one subscription and events since `since`, queues again the
 * deliveries that failed or were cancelled, and queues the events of its types that it never
 * had (created before it subscribed, or while it was disabled).
 */
export async function recoverDeliveries(store: Database, subscriptionId: number, since: Date, now: Date): Promise<RequeueResult> {
  return store.db.transaction().execute(async (trx) => {
    const subscription = await trx
      .selectFrom('integration.WebhookSubscription')
      .select(['EventTypes', 'Enabled'])
      .where('SubscriptionId', '=', subscriptionId)
      .executeTakeFirst();
    if (!subscription) throw new RecoverError('not_found', `no subscription ${subscriptionId}`);
    if (!subscription.Enabled) throw new RecoverError('disabled', `subscription ${subscriptionId} is disabled: enable it first`);
    // Each round re-queues rows out of its own WHERE clause (failed or cancelled become pending).
    const requeued = await writeInRounds(
      store.dialect,
      trx
        .updateTable('integration.WebhookDelivery')
        .set({ Status: 'pending', AttemptCount: 0, NextAttemptUtc: now, RequeuedUtc: now, CompletedUtc: null })
        .where('SubscriptionId', '=', subscriptionId)
        .where('Status', 'in', ['failed', 'cancelled'])
        .where('EventId', 'in', (eb) => eb.selectFrom('integration.OutboxEvent').select('EventId').where('CreatedUtc', '>=', since)),
    );
    const types = EVENT_TYPES.filter((type) => subscriptionTakes(subscription.EventTypes, type));
    let fannedOut = 0;
    // Keyset pages of events, each queued with the outbox's own set-based insert (cut below lock
    // escalation), which skips pairs that exist: the events the subscription already has are
    // left as they are.
    for (let after = 0; types.length > 0;) {
      let page = trx
        .selectFrom('integration.OutboxEvent')
        .select('EventId')
        .where('EventId', '>', after)
        .where('CreatedUtc', '>=', since)
        .where('EventType', 'in', types)
        .orderBy('EventId');
      page = store.dialect.first(page, RECOVER_PAGE);
      const ids = (await page.execute()).map((row) => Number(row.EventId));
      if (ids.length === 0) break;
      fannedOut += await queueDeliveries(
        trx,
        store.dialect,
        ids.map((e) => ({ e, s: subscriptionId })),
        now,
      );
      after = ids[ids.length - 1] as number;
    }
    return { requeued, fannedOut };
  });
}

/**
 * What `recoverDeliveries` would do now, without doing it: the failed and cancelled deliveries it
 * would re-queue and the events of the subscription's types it never had. The portal shows it
 * before a person confirms.
 */
export async function previewRecover(store: Database, subscriptionId: number, since: Date): Promise<RequeueResult | undefined> {
  const subscription = await store.db
    .selectFrom('integration.WebhookSubscription')
    .select(['EventTypes'])
    .where('SubscriptionId', '=', subscriptionId)
    .executeTakeFirst();
  if (!subscription) return undefined;
  const requeued = await store.db
    .selectFrom('integration.WebhookDelivery')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('SubscriptionId', '=', subscriptionId)
    .where('Status', 'in', ['failed', 'cancelled'])
    .where('EventId', 'in', (eb) => eb.selectFrom('integration.OutboxEvent').select('EventId').where('CreatedUtc', '>=', since))
    .executeTakeFirstOrThrow();
  const types = EVENT_TYPES.filter((type) => subscriptionTakes(subscription.EventTypes, type));
  let fannedOut = 0;
  if (types.length > 0) {
    const missing = await store.db
      .selectFrom('integration.OutboxEvent as e')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('e.CreatedUtc', '>=', since)
      .where('e.EventType', 'in', types)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('integration.WebhookDelivery as d')
              .select('d.DeliveryId')
              .whereRef('d.EventId', '=', 'e.EventId')
              .where('d.SubscriptionId', '=', subscriptionId),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    fannedOut = Number(missing.n);
  }
  return { requeued: Number(requeued.n), fannedOut };
}
