import { sql } from 'kysely';
import type { Db, Trx } from '../db/dialect.js';
import { type AppendResult, appendEvents, type NewEvent } from '../outbox/append-events.js';
import type { EventDefinition, RowHook } from './events/definition.js';
import { ROW_HOOKS } from './events/index.js';
import type { GapRange, KeyRange } from '../db/ports/capture.js';
import { keyCount, missingRanges, settleGaps } from './gap-ranges.js';
import { pendingGapRanges, readGapsAndNewRows, writeGapRanges } from './gaps.js';
import { type CaptureContext, sourceReader } from './options.js';
import type { KeyedRow, SourceObject } from '../outbox/crm/source-object.js';

export type CycleResult =
  | { status: 'locked' }
  /** First sight of the object: the watermark starts at the current maximum, nothing old is emitted. */
  | { status: 'started'; lastKey: number }
  | {
      status: 'captured';
      rows: number;
      lateRows: number;
      /** Events of the object's rows written (what row hooks wrote is in `appended` only). */
      inserted: number;
      /** Every write of the cycle, committed. */
      appended: AppendResult[];
      /** A full batch: the loop polls again at once. */
      full: boolean;
      lastKey: number;
      gaps: CycleGaps;
    };

/** What a committed cycle did to the object's gaps. */
export interface CycleGaps {
  /** Ranges the watermark passed in this cycle while their keys were missing. */
  recorded: KeyRange[];
  /** Ranges given up: still missing after gapTimeoutMs, read one last time in this cycle. */
  expired: GapRange[];
  pendingRanges: number;
  pendingKeys: number;
}

export const captureLock = (object: SourceObject): string => `outbox.capture:${object.name}`;

/** The events of some rows of one object, in key order: each definition that takes a row makes one. */
export function buildEvents(
  object: SourceObject,
  definitions: readonly EventDefinition[],
  rows: readonly KeyedRow[],
  zone: string,
  metadata: Record<string, unknown> = {},
): NewEvent[] {
  const events: NewEvent[] = [];
  for (const row of rows) {
    for (const definition of definitions) {
      if (definition.source !== object || (definition.when && !definition.when(row))) continue;
      events.push({
        type: definition.type,
        sourceKey: `${object.name}:${row.key}`,
        createdUtc: definition.createdUtc(row, zone),
        payload: definition.payload(row, zone),
        metadata: { source: object.name, key: Number(row.key), ...metadata },
      });
    }
  }
  return events;
}

/** Rows of the object with keys in (after, through], in key order, at most `limit`. */
export async function readKeyRange(
  ctx: CaptureContext,
  db: Db,
  object: SourceObject,
  after: number,
  limit: number,
  through?: number,
): Promise<KeyedRow[]> {
  let query = object
    .select(db)
    .where(sql<boolean>`${sql.ref(object.key)} > ${after}`)
    .orderBy(sql.ref(object.key));
  if (through !== undefined) query = query.where(sql<boolean>`${sql.ref(object.key)} <= ${through}`);
  const rows = (await ctx.source.dialect.first(query, limit).execute()) as KeyedRow[];
  return rows.map((row) => ({ ...row, key: Number(row.key) }));
}

export async function maxKey(db: Db, object: SourceObject): Promise<number> {
  const row = await object
    .select(db)
    .clearSelect()
    .select(sql<number | null>`max(${sql.ref(object.key)})`.as('top'))
    .executeTakeFirst();
  return Number((row as { top: unknown } | undefined)?.top ?? 0);
}

export interface CycleHooks {
  /** Runs after every write of the cycle and before the commit (tests crash here). */
  beforeCommit?(trx: Trx): Promise<void>;
}

/**
 * One capture cycle of one source object, in one store transaction: take the object's lock
 * without waiting (another instance capturing it means this one delivers instead), read past
 * the watermark, write the events and advance the watermark, commit. A crash anywhere rolls all
 * of it back, so the next cycle reads the same rows again: nothing lost, nothing twice.
 *
 * Late commits. Identity values are handed out at insert time and become visible at commit, so
 * a reader can see 42 while 41 is still uncommitted (READ COMMITTED under snapshot isolation or
 * MVCC skips it; under locking READ COMMITTED the read waits and the problem does not arise).
 * Every row of the object is read whatever its kind, so a key missing between the old watermark
 * and the highest key read is either uncommitted, rolled back or deleted. The missing keys are
 * recorded as ranges in integration.CaptureGapRange (one row per run of keys, so an identity
 * jump of a million is one row, and no key is ever passed untracked) and every pending range is
 * re-read each cycle, one bounded index seek each, until its keys show up (their events are
 * written and the keys cut out of the range in the same transaction; the outbox's unique (type,
 * source key) guards any re-read) or until it is older than capture.gapTimeoutMs, which must
 * exceed the longest transaction the CRM keeps open. An expired range is read one last time
 * before it is given up (integration.CaptureGapExpired, logged as an error by the loop). A cycle
 * reads at most batchSize rows, late ones first: a large late transaction drains over several.
 */
export async function captureCycle(
  ctx: CaptureContext,
  object: SourceObject,
  definitions: readonly EventDefinition[],
  hooks: CycleHooks = {},
  rowHooks: readonly RowHook[] = ROW_HOOKS,
): Promise<CycleResult> {
  const { store } = ctx;
  const objectHooks = rowHooks.filter((hook) => hook.source === object);
  return store.db.transaction().execute(async (trx): Promise<CycleResult> => {
    if (!(await store.dialect.lockForTransaction(trx, captureLock(object), false))) return { status: 'locked' };
    const reader = sourceReader(ctx, trx);
    // Lock order: the object's lock, then its hooks'; a hook lock's holders take nothing after it.
    for (const lock of new Set(objectHooks.map((hook) => hook.lock))) await store.dialect.lockForTransaction(trx, lock, true);
    const watermark = await trx
      .selectFrom('integration.CaptureWatermark')
      .select('LastKey')
      .where('SourceName', '=', object.name)
      .executeTakeFirst();
    if (!watermark) {
      const lastKey = await maxKey(reader, object);
      await trx
        .insertInto('integration.CaptureWatermark')
        .values({ SourceName: object.name, LastKey: lastKey, UpdatedUtc: ctx.now() })
        .execute();
      await hooks.beforeCommit?.(trx);
      return { status: 'started', lastKey };
    }
    const last = Number(watermark.LastKey);
    const now = ctx.now();
    // Every pending range is read, the expired ones one last time, with the new rows.
    const ranges = await pendingGapRanges(trx, object.name);
    const { late, batch, examinedThrough } = await readGapsAndNewRows(ctx, reader, object, ranges, last, ctx.batchSize);
    const rows = [...late, ...batch];
    const keyed = await appendEvents(trx, store.dialect, ctx.companyId, buildEvents(object, definitions, rows, ctx.zone), now);
    const appended = [keyed];
    for (const hook of objectHooks) {
      const more = await hook.afterEvents(trx, ctx, reader, rows);
      if (more) appended.push(more);
    }

    const settled = settleGaps(
      ranges,
      late.map((r) => r.key),
      examinedThrough,
      new Date(now.getTime() - ctx.gapTimeoutMs),
    );
    // Every key the watermark passes without reading it is tracked: no cap, so nothing is skipped.
    const recorded = missingRanges(
      last,
      batch.map((r) => r.key),
    ).map((r) => ({ ...r, seenUtc: now }));
    await writeGapRanges(
      trx,
      store.dialect,
      object.name,
      { removed: settled.removed, added: [...settled.pieces, ...recorded], expired: settled.expired },
      now,
    );
    const newLast = batch.length > 0 ? (batch[batch.length - 1] as KeyedRow).key : last;
    if (newLast !== last) {
      await trx
        .updateTable('integration.CaptureWatermark')
        .set({ LastKey: newLast, UpdatedUtc: now })
        .where('SourceName', '=', object.name)
        .execute();
    }
    await hooks.beforeCommit?.(trx);
    const pending = [...settled.pending, ...recorded];
    return {
      status: 'captured',
      rows: batch.length,
      lateRows: late.length,
      inserted: keyed.inserted,
      appended,
      full: rows.length >= ctx.batchSize,
      lastKey: newLast,
      gaps: { recorded, expired: settled.expired, pendingRanges: pending.length, pendingKeys: keyCount(pending) },
    };
  });
}
