import { sql } from 'kysely';
import type { Db, Trx } from '../db/dialect.js';
import { type AppendResult, appendEvents, type NewEvent } from '../outbox/append-events.js';
import type { EventDefinition } from './events/definition.js';
import type { InvoiceRow, PaymentRow } from './events/rows.js';
import { compareInvoiceStatuses, INVOICE_STATUS_LOCK, readInvoices } from './invoice-status.js';
import { type CaptureContext, sourceReader } from './options.js';
import type { SourceObject } from './source-object.js';
import { invoices, payments } from './sources.js';

export type KeyedRow = Record<string, unknown> & { key: number };

export type CycleResult =
  | { status: 'locked' }
  /** First sight of the object: the watermark starts at the current maximum, nothing old is emitted. */
  | { status: 'started'; lastKey: number }
  | {
      status: 'captured';
      rows: number;
      lateRows: number;
      /** Events of the object's rows written (invoice status changes are in `appended` only). */
      inserted: number;
      /** Every write of the cycle, committed. */
      appended: AppendResult[];
      full: boolean;
      lastKey: number;
    };

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
  const rows = (await ctx.source.dialect.capture.first(query, limit).execute()) as KeyedRow[];
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
 * and the highest key read is either uncommitted, rolled back or deleted. Each missing key is
 * recorded in integration.CaptureGap and re-read by key every cycle until it shows up (then its
 * event is written, once: the gap is deleted in the same transaction, and the outbox's unique
 * (type, source key) guards any re-read) or until it is older than capture.gapTimeoutMs, which
 * must exceed the longest transaction the CRM keeps open. Unlike a trailing re-scan window,
 * idle cycles cost one indexed seek per pending gap, not a re-read of N rows, and a long
 * transaction is caught however many rows commit after it.
 */
export async function captureCycle(
  ctx: CaptureContext,
  object: SourceObject,
  definitions: readonly EventDefinition[],
  hooks: CycleHooks = {},
): Promise<CycleResult> {
  const { store } = ctx;
  return store.db.transaction().execute(async (trx): Promise<CycleResult> => {
    if (!(await store.dialect.lockForTransaction(trx, captureLock(object), false))) return { status: 'locked' };
    const reader = sourceReader(ctx, trx);
    const tracksInvoices = object === invoices || object === payments;
    // Lock order: the object's lock, then the snapshot's; the snapshot's holders take nothing after it.
    if (tracksInvoices) await store.dialect.lockForTransaction(trx, INVOICE_STATUS_LOCK, true);
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
    await trx
      .deleteFrom('integration.CaptureGap')
      .where('SourceName', '=', object.name)
      .where('FirstSeenUtc', '<', new Date(now.getTime() - ctx.gapTimeoutMs))
      .execute();
    const gaps = await store.dialect.capture
      .first(
        trx.selectFrom('integration.CaptureGap').select('MissingKey').where('SourceName', '=', object.name).orderBy('MissingKey'),
        1000,
      )
      .execute();
    const gapKeys = gaps.map((g) => Number(g.MissingKey));
    const late = gapKeys.length === 0 ? [] : await readKeys(ctx, reader, object, gapKeys);
    const batch = await readKeyRange(ctx, reader, object, last, ctx.batchSize);
    const rows = [...late, ...batch];
    const keyed = await appendEvents(trx, store.dialect, ctx.companyId, buildEvents(object, definitions, rows, ctx.zone), now);
    const appended = [keyed];

    if (object === invoices) appended.push(await compareInvoiceStatuses(trx, ctx, rows as unknown as InvoiceRow[]));
    if (object === payments && rows.length > 0) {
      // The fast path: only the invoices these payments touched are re-read from the view.
      const touched = await readInvoices(
        ctx,
        reader,
        (rows as unknown as PaymentRow[]).map((p) => p.InvoiceID),
      );
      appended.push(await compareInvoiceStatuses(trx, ctx, touched));
    }

    if (late.length > 0) {
      await trx
        .deleteFrom('integration.CaptureGap')
        .where('SourceName', '=', object.name)
        .where(
          'MissingKey',
          'in',
          late.map((r) => r.key),
        )
        .execute();
    }
    const newLast = batch.length > 0 ? (batch[batch.length - 1] as KeyedRow).key : last;
    const missing = missingKeys(
      last,
      batch.map((r) => r.key),
      ctx.maxGapKeys,
    );
    if (missing.skipped > 0) {
      ctx.logger.warn(`${object.name}: ${missing.skipped} keys skipped past ${last} not tracked (an identity jump?)`, {
        component: 'capture',
      });
    }
    if (missing.keys.length > 0) await store.dialect.capture.insertGaps(trx, object.name, missing.keys, now);
    if (newLast !== last) {
      await trx
        .updateTable('integration.CaptureWatermark')
        .set({ LastKey: newLast, UpdatedUtc: now })
        .where('SourceName', '=', object.name)
        .execute();
    }
    await hooks.beforeCommit?.(trx);
    return {
      status: 'captured',
      rows: batch.length,
      lateRows: late.length,
      inserted: keyed.inserted,
      appended,
      full: batch.length >= ctx.batchSize,
      lastKey: newLast,
    };
  });
}

async function readKeys(ctx: CaptureContext, db: Db, object: SourceObject, keys: readonly number[]): Promise<KeyedRow[]> {
  const rows = (await object
    .select(db)
    .where(sql<boolean>`${sql.ref(object.key)} in (${sql.join(keys)})`)
    .orderBy(sql.ref(object.key))
    .execute()) as KeyedRow[];
  return rows.map((row) => ({ ...row, key: Number(row.key) }));
}

/** Keys between the old watermark and the highest key read that were not read, up to a cap. */
export function missingKeys(after: number, sortedKeys: readonly number[], cap: number): { keys: number[]; skipped: number } {
  const keys: number[] = [];
  let skipped = 0;
  let expected = after + 1;
  for (const key of sortedKeys) {
    for (; expected < key; expected++) {
      if (keys.length < cap) keys.push(expected);
      else {
        skipped += key - expected;
        break;
      }
    }
    expected = key + 1;
  }
  return { keys, skipped };
}
