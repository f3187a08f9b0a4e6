import { sql } from 'kysely';
import { chunks, IDS_PER_STATEMENT } from '../db/chunks.js';
import type { Db } from '../db/dialect.js';
import { appendEvents, type DeliverTo, type NewEvent } from '../outbox/append-events.js';
import { BACKFILL_METADATA } from '../outbox/backfill-marker.js';
import type { EventType } from '../outbox/event-types.js';
import { buildEvents, captureLock, maxKey, readKeyRange } from './engine.js';
import type { EventDefinition } from './events/definition.js';
import { KEYED_EVENTS } from './events/index.js';
import { type CaptureContext, sourceReader } from './options.js';
import type { SourceObject } from '../outbox/crm/source-object.js';
import { SOURCE_OBJECTS } from '../outbox/crm/sources.js';

export interface BackfillProgress {
  object: string;
  /** Rows done and rows in range for this object, by key. */
  done: number;
  total: number;
}

/**
 * Emits the history since a date (the CRM's local date), up to each object's live watermark
 * when the backfill started; live capture owns what is above. Each page is one store
 * transaction that also moves integration.CaptureBackfill's NextKey, so an interrupted run
 * resumes where it stopped. Backfilled events carry metadata.backfill = true; what the outbox
 * already holds is not written again. invoice.status_changed has no history to replay.
 */
export async function backfill(
  ctx: CaptureContext,
  since: string,
  types: readonly EventType[],
  onProgress: (p: BackfillProgress) => void = () => undefined,
  deliverTo: DeliverTo = 'all',
): Promise<number> {
  const definitions = KEYED_EVENTS.filter((d) => types.includes(d.type));
  let written = 0;
  for (const object of SOURCE_OBJECTS) {
    const mine = definitions.filter((d) => d.source === object);
    if (mine.length === 0) continue;
    const state = await position(ctx, object, since, types.join(','));
    let next = state.next;
    for (;;) {
      const page = await ctx.store.db.transaction().execute(async (trx) => {
        // The object's capture lock, as a capture cycle takes it: a row the live capture is
        // writing (under another of the object's types, say) is committed before this page
        // looks for what exists, and the two never write one row's event twice.
        await ctx.store.dialect.lockForTransaction(trx, captureLock(object), true);
        const read = await readHistoryPage(ctx, sourceReader(ctx, trx), trx, object, mine, next, state.end);
        if (read.rows === 0) return read;
        const { inserted } = await appendEvents(trx, ctx.store.dialect, ctx.companyId, read.events, ctx.now(), deliverTo);
        written += inserted;
        await trx
          .updateTable('integration.CaptureBackfill')
          .set({ NextKey: read.last, UpdatedUtc: ctx.now() })
          .where('SourceName', '=', object.name)
          .execute();
        return read;
      });
      next = page.last;
      onProgress({ object: object.name, done: Math.max(0, next - state.start), total: Math.max(0, state.end - state.start) });
      if (page.rows < ctx.batchSize) break;
    }
    await ctx.store.db.deleteFrom('integration.CaptureBackfill').where('SourceName', '=', object.name).execute();
  }
  return written;
}

/**
 * What a backfill would write, without writing anything (not even its resume position): the
 * events by type that are not in the outbox yet. Reads the same pages the backfill will.
 */
export async function planBackfill(ctx: CaptureContext, since: string, types: readonly EventType[]): Promise<Map<EventType, number>> {
  const definitions = KEYED_EVENTS.filter((d) => types.includes(d.type));
  const byType = new Map<EventType, number>();
  for (const object of SOURCE_OBJECTS) {
    const mine = definitions.filter((d) => d.source === object);
    if (mine.length === 0) continue;
    const state = await range(ctx, object, since, types.join(','));
    for (let next = state.next; ;) {
      const page = await readHistoryPage(ctx, ctx.source.db, ctx.store.db, object, mine, next, state.end);
      for (const event of page.events) byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
      next = page.last;
      if (page.rows < ctx.batchSize) break;
    }
  }
  return byType;
}

/**
 * One page of history above `after` (through `end`): the events its rows make that the outbox
 * does not hold yet. An event the live capture (or an earlier backfill) already wrote for a row,
 * under any of its object's types, is left out.
 */
async function readHistoryPage(
  ctx: CaptureContext,
  source: Db,
  store: Db,
  object: SourceObject,
  definitions: readonly EventDefinition[],
  after: number,
  end: number,
): Promise<{ rows: number; last: number; events: NewEvent[] }> {
  const rows = await readKeyRange(ctx, source, object, after, ctx.batchSize, end);
  if (rows.length === 0) return { rows: 0, last: after, events: [] };
  const events = buildEvents(object, definitions, rows, ctx.zone, BACKFILL_METADATA);
  const objectTypes = KEYED_EVENTS.filter((d) => d.source === object).map((d) => d.type);
  const existing = new Set<string>();
  const keys = [...new Set(events.map((e) => e.sourceKey))];
  for (const part of chunks(keys, IDS_PER_STATEMENT)) {
    const found = await store
      .selectFrom('integration.OutboxEvent')
      .select('SourceKey')
      .where('EventType', 'in', objectTypes)
      .where('SourceKey', 'in', part)
      .execute();
    found.forEach((f) => existing.add(f.SourceKey));
  }
  const last = (rows[rows.length - 1] as { key: number }).key;
  return { rows: rows.length, last, events: events.filter((e) => !existing.has(e.sourceKey)) };
}

/** The backfill's key range for an object, saved or persisted anew: where it starts, resumes and ends. */
async function position(
  ctx: CaptureContext,
  object: SourceObject,
  since: string,
  types: string,
): Promise<{ start: number; next: number; end: number }> {
  const found = await range(ctx, object, since, types);
  if (!found.saved) {
    await ctx.store.db.deleteFrom('integration.CaptureBackfill').where('SourceName', '=', object.name).execute();
    await ctx.store.db
      .insertInto('integration.CaptureBackfill')
      .values({ SourceName: object.name, Since: since, EventTypes: types, NextKey: found.start, EndKey: found.end, UpdatedUtc: ctx.now() })
      .execute();
  }
  return found;
}

/**
 * The key range without writing it: an interrupted run of the same date and types resumes at
 * its saved key; otherwise from the first row on the date up to the live capture's watermark.
 */
async function range(
  ctx: CaptureContext,
  object: SourceObject,
  since: string,
  types: string,
): Promise<{ start: number; next: number; end: number; saved: boolean }> {
  const saved = await ctx.store.db
    .selectFrom('integration.CaptureBackfill')
    .select(['Since', 'EventTypes', 'NextKey', 'EndKey'])
    .where('SourceName', '=', object.name)
    .executeTakeFirst();
  if (saved && saved.Since === since && saved.EventTypes === types) {
    return { start: Number(saved.NextKey), next: Number(saved.NextKey), end: Number(saved.EndKey), saved: true };
  }
  const watermark = await ctx.store.db
    .selectFrom('integration.CaptureWatermark')
    .select('LastKey')
    .where('SourceName', '=', object.name)
    .executeTakeFirst();
  const end = watermark ? Number(watermark.LastKey) : await maxKey(ctx.source.db, object);
  const first = await object
    .select(ctx.source.db)
    .clearSelect()
    .select(sql<number | null>`min(${sql.ref(object.key)})`.as('low'))
    .where(sql<boolean>`${sql.ref(object.dateColumn)} >= ${`${since} 00:00:00`}`)
    .executeTakeFirst();
  const low = (first as { low: unknown } | undefined)?.low;
  const start = low === null || low === undefined ? end : Number(low) - 1;
  return { start, next: start, end, saved: false };
}
