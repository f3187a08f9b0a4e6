import type { Database } from '../db/connect.js';
import { countPending } from '../delivery/delivery-log.js';
import { isLiveCapture } from '../outbox/backfill-marker.js';

/** A capture source object and the event types read from it. */
export interface CaptureSource {
  name: string;
  types: readonly string[];
}

export interface SourceLag {
  source: string;
  lastKey: number | null;
  watermarkUpdatedUtc: Date | null;
  /** The newest event live capture wrote from this source (not a backfill's): when it happened in the CRM and when it was written. */
  newestCreatedUtc: Date | null;
  newestRecordedUtc: Date | null;
  /** Seconds between the newest change and its event: the capture lag as of that event. */
  lagSeconds: number | null;
}

export type AttemptOutcome = 'succeeded' | 'http_error' | 'network_error';

export interface TroubledSubscription {
  id: number;
  url: string;
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSinceUtc: Date | null;
  failuresLast24h: number;
}

export interface Overview {
  sources: SourceLag[];
  eventsByType: { type: string; count: number }[];
  attemptsByOutcome: Record<AttemptOutcome, number>;
  queueDepth: number;
  troubled: TroubledSubscription[];
}

/** How an attempt ended: 2xx, another HTTP status, or no answer at all. */
export function attemptOutcome(httpStatus: number | null): AttemptOutcome {
  if (httpStatus === null) return 'network_error';
  return httpStatus >= 200 && httpStatus < 300 ? 'succeeded' : 'http_error';
}

/**
 * Everything the overview shows, read from the store so every instance shows the same numbers.
 * Each query reads an index range (newest event per type, the last 24 h of events and
 * attempts, pending deliveries), never a whole table.
 */
export async function readOverview(store: Database, sources: readonly CaptureSource[], now: Date): Promise<Overview> {
  const { db } = store;
  const since = new Date(now.getTime() - 24 * 3600_000);
  const watermarks = await db.selectFrom('integration.CaptureWatermark').select(['SourceName', 'LastKey', 'UpdatedUtc']).execute();
  const lags: SourceLag[] = [];
  for (const source of sources) {
    const mark = watermarks.find((w) => w.SourceName === source.name);
    let newest: { CreatedUtc: Date; RecordedUtc: Date; EventId: number } | undefined;
    for (const type of source.types) {
      const row = await store.dialect
        .first(
          db
            .selectFrom('integration.OutboxEvent')
            .select(['EventId', 'CreatedUtc', 'RecordedUtc'])
            .where('EventType', '=', type)
            .where(isLiveCapture)
            .orderBy('EventId', 'desc'),
          1,
        )
        .executeTakeFirst();
      if (row && (!newest || Number(row.EventId) > Number(newest.EventId))) newest = row;
    }
    lags.push({
      source: source.name,
      lastKey: mark ? Number(mark.LastKey) : null,
      watermarkUpdatedUtc: mark ? new Date(mark.UpdatedUtc) : null,
      newestCreatedUtc: newest ? new Date(newest.CreatedUtc) : null,
      newestRecordedUtc: newest ? new Date(newest.RecordedUtc) : null,
      lagSeconds: newest
        ? Math.max(0, Math.round((new Date(newest.RecordedUtc).getTime() - new Date(newest.CreatedUtc).getTime()) / 1000))
        : null,
    });
  }

  const byType = await db
    .selectFrom('integration.OutboxEvent')
    .select((eb) => ['EventType', eb.fn.countAll<number>().as('n')])
    .where('CreatedUtc', '>=', since)
    .groupBy('EventType')
    .execute();

  const attempts = await db
    .selectFrom('integration.DeliveryAttempt')
    .select((eb) => ['HttpStatus', eb.fn.countAll<number>().as('n')])
    .where('AttemptedUtc', '>=', since)
    .groupBy('HttpStatus')
    .execute();
  const attemptsByOutcome: Record<AttemptOutcome, number> = { succeeded: 0, http_error: 0, network_error: 0 };
  for (const row of attempts) attemptsByOutcome[attemptOutcome(row.HttpStatus)] += Number(row.n);

  const troubledRows = await store.dialect
    .first(
      db
        .selectFrom('integration.WebhookSubscription')
        .select(['SubscriptionId', 'Url', 'Description', 'Enabled', 'DisabledReason', 'FailingSinceUtc'])
        .where((eb) => eb.or([eb('Enabled', '=', false), eb('FailingSinceUtc', 'is not', null)]))
        .orderBy('SubscriptionId'),
      100,
    )
    .execute();
  const failures = new Map<number, number>();
  if (troubledRows.length > 0) {
    const rows = await db
      .selectFrom('integration.DeliveryAttempt')
      .select((eb) => ['SubscriptionId', eb.fn.countAll<number>().as('n')])
      .where('AttemptedUtc', '>=', since)
      .where(
        'SubscriptionId',
        'in',
        troubledRows.map((r) => Number(r.SubscriptionId)),
      )
      .where((eb) => eb.or([eb('HttpStatus', 'is', null), eb('HttpStatus', '<', 200), eb('HttpStatus', '>=', 300)]))
      .groupBy('SubscriptionId')
      .execute();
    for (const row of rows) failures.set(Number(row.SubscriptionId), Number(row.n));
  }

  return {
    sources: lags,
    eventsByType: byType.map((r) => ({ type: r.EventType, count: Number(r.n) })).sort((a, b) => b.count - a.count),
    attemptsByOutcome,
    queueDepth: await countPending(store),
    troubled: troubledRows.map((r) => ({
      id: Number(r.SubscriptionId),
      url: r.Url,
      description: r.Description,
      enabled: Boolean(r.Enabled),
      disabledReason: r.DisabledReason,
      failingSinceUtc: r.FailingSinceUtc === null ? null : new Date(r.FailingSinceUtc),
      failuresLast24h: failures.get(Number(r.SubscriptionId)) ?? 0,
    })),
  };
}
