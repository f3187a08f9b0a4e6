import type { Db, Trx } from '../../db/dialect.js';
import type { AppendResult } from '../../outbox/append-events.js';
import type { EventType } from '../../outbox/event-types.js';
import type { CaptureContext } from '../options.js';
import type { KeyedRow, SourceObject } from '../../outbox/crm/source-object.js';
import type { KeyedCapture } from '../../outbox/events/event.js';

/**
 * One canonical event as capture reads it by key: its type and source object with the event
 * module's capture part (../../outbox/events/event.ts). Its rows are typed from the source's
 * select list.
 */
export interface EventDefinition<Row = KeyedRow> extends KeyedCapture<Row> {
  readonly type: EventType;
  readonly source: SourceObject<Row>;
}

/** Typed definitions go into one list of the default row type. */
export function defineEvent<Row>(definition: EventDefinition<Row>): EventDefinition {
  return definition as unknown as EventDefinition;
}

/**
 * What a capture cycle of one source object also does with the rows it read, in the same
 * transaction after their keyed events: invoice.status_changed compares invoices with a snapshot.
 */
export interface RowHook<Row = KeyedRow> {
  readonly source: SourceObject<Row>;
  /** Taken, waiting, after the object's own lock and before anything is read. */
  readonly lock: string;
  /** What it appended, or undefined when it had nothing to do. */
  afterEvents(trx: Trx, ctx: CaptureContext, reader: Db, rows: readonly Row[]): Promise<AppendResult | undefined>;
}

/** Typed hooks go into one list of the default row type. */
export function defineRowHook<Row>(hook: RowHook<Row>): RowHook {
  return hook as unknown as RowHook;
}
