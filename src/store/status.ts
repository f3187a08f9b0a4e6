import { sql } from 'kysely';
import type { Database } from '../db/connect.js';
import { isLiveCapture } from '../outbox/backfill-marker.js';
import { readSchemaState, SchemaError } from './migrate.js';

export interface StoreStatus {
  schema: { current: number; latest: number; pending: string[] };
  watermarks: { source: string; lastKey: number; updatedUtc: string }[];
  outbox: { events: number; newestEventId: number | null; newestCreatedUtc: string | null };
  deliveries: { pending: number; failed: number; oldestPendingDueUtc: string | null };
  /**
   * Seconds since the newest event live capture wrote happened in the CRM; null before live
   * capture wrote any. Backfilled events are left out: their createdUtc is history.
   */
  captureLagSeconds: number | null;
  /** Per source object with gaps: the key ranges pending and those given up (empty before migration 0005). */
  gaps: GapStatus[];
}

export interface GapStatus {
  source: string;
  pendingRanges: number;
  pendingKeys: number;
  oldestPendingSeenUtc: string | null;
  /** Given up after capture.gapTimeoutMs: rolled back or deleted, or lost to a transaction open that long. */
  expiredRanges: number;
  expiredKeys: number;
  lastExpired: { firstKey: number; lastKey: number; firstSeenUtc: string; expiredUtc: string } | null;
}

/** The migration that keeps gaps as key ranges. */
const GAP_RANGES_VERSION = 5;

const iso = (value: Date | string | null | undefined): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();

export async function readStoreStatus(store: Database, now = new Date()): Promise<StoreStatus> {
  const schema = await readSchemaState(store);
  if (schema.current === 0) {
    throw new SchemaError("the store has no integration schema yet: run 'outbox migrate' (or start the service, which migrates)");
  }
  const { db } = store;
  const watermarks = await db
    .selectFrom('integration.CaptureWatermark')
    .select(['SourceName', 'LastKey', 'UpdatedUtc'])
    .orderBy('SourceName')
    .execute();
  const outbox = await db
    .selectFrom('integration.OutboxEvent')
    .select((eb) => [eb.fn.countAll<number>().as('events'), eb.fn.max('EventId').as('newestEventId')])
    .executeTakeFirstOrThrow();
  const newest =
    outbox.newestEventId === null
      ? undefined
      : await db.selectFrom('integration.OutboxEvent').select('CreatedUtc').where('EventId', '=', outbox.newestEventId).executeTakeFirst();
  // Newest by CreatedUtc (an index, IX_OutboxEvent_CreatedUtc_Id): a backfill's events have older
  // dates than live ones, so the backward read stops at the first live event.
  const newestLive = await store.dialect
    .first(
      db
        .selectFrom('integration.OutboxEvent')
        .select('CreatedUtc')
        .where(isLiveCapture)
        .orderBy('CreatedUtc', 'desc')
        .orderBy('EventId', 'desc'),
      1,
    )
    .executeTakeFirst();
  const deliveries = await db
    .selectFrom('integration.WebhookDelivery')
    .select((eb) => [
      eb.fn.sum<number>(sql`CASE WHEN ${eb.ref('Status')} = ${store.dialect.deliveryStatus('pending')} THEN 1 ELSE 0 END`).as('pending'),
      eb.fn.sum<number>(sql`CASE WHEN ${eb.ref('Status')} = ${store.dialect.deliveryStatus('failed')} THEN 1 ELSE 0 END`).as('failed'),
    ])
    .executeTakeFirstOrThrow();
  const oldestDue = await db
    .selectFrom('integration.WebhookDelivery')
    .select((eb) => eb.fn.min('NextAttemptUtc').as('due'))
    .where('Status', '=', store.dialect.deliveryStatus('pending'))
    .executeTakeFirstOrThrow();
  const newestCreated = iso(newest?.CreatedUtc);
  return {
    schema: {
      current: schema.current,
      latest: schema.latest,
      pending: schema.pending.map((file) => `${String(file.version).padStart(4, '0')}_${file.name}`),
    },
    watermarks: watermarks.map((row) => ({
      source: row.SourceName,
      lastKey: Number(row.LastKey),
      updatedUtc: iso(row.UpdatedUtc) as string,
    })),
    outbox: {
      events: Number(outbox.events),
      newestEventId: outbox.newestEventId === null ? null : Number(outbox.newestEventId),
      newestCreatedUtc: newestCreated,
    },
    deliveries: {
      pending: Number(deliveries.pending ?? 0),
      failed: Number(deliveries.failed ?? 0),
      oldestPendingDueUtc: iso(oldestDue.due as Date | null),
    },
    captureLagSeconds: newestLive ? Math.max(0, Math.round((now.getTime() - new Date(newestLive.CreatedUtc).getTime()) / 1000)) : null,
    gaps: schema.applied.some((row) => row.Version === GAP_RANGES_VERSION) ? await readGapStatus(store) : [],
  };
}

async function readGapStatus(store: Database): Promise<GapStatus[]> {
  const { db } = store;
  const keys = sql<number>`sum(${sql.ref('LastKey')} - ${sql.ref('FirstKey')} + 1)`;
  const pending = await db
    .selectFrom('integration.CaptureGapRange')
    .select((eb) => ['SourceName', eb.fn.countAll<number>().as('ranges'), keys.as('keys'), eb.fn.min('FirstSeenUtc').as('oldest')])
    .groupBy('SourceName')
    .execute();
  const expired = await db
    .selectFrom('integration.CaptureGapExpired')
    .select((eb) => ['SourceName', eb.fn.countAll<number>().as('ranges'), keys.as('keys')])
    .groupBy('SourceName')
    .execute();
  const sources = [...new Set([...pending.map((p) => p.SourceName), ...expired.map((e) => e.SourceName)])].sort();
  const status: GapStatus[] = [];
  for (const source of sources) {
    const p = pending.find((row) => row.SourceName === source);
    const e = expired.find((row) => row.SourceName === source);
    const last = e
      ? await store.dialect
          .first(
            db
              .selectFrom('integration.CaptureGapExpired')
              .select(['FirstKey', 'LastKey', 'FirstSeenUtc', 'ExpiredUtc'])
              .where('SourceName', '=', source)
              .orderBy('ExpiredUtc', 'desc')
              .orderBy('FirstKey', 'desc'),
            1,
          )
          .executeTakeFirst()
      : undefined;
    status.push({
      source,
      pendingRanges: Number(p?.ranges ?? 0),
      pendingKeys: Number(p?.keys ?? 0),
      oldestPendingSeenUtc: iso(p?.oldest as Date | undefined),
      expiredRanges: Number(e?.ranges ?? 0),
      expiredKeys: Number(e?.keys ?? 0),
      lastExpired: last
        ? {
            firstKey: Number(last.FirstKey),
            lastKey: Number(last.LastKey),
            firstSeenUtc: iso(last.FirstSeenUtc) as string,
            expiredUtc: iso(last.ExpiredUtc) as string,
          }
        : null,
    });
  }
  return status;
}
