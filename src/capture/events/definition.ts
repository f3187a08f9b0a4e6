import type { Db, Trx } from '../../db/dialect.js';
import type { AppendResult } from '../../outbox/append-events.js';
import type { EventType } from '../../outbox/event-types.js';
import type { CaptureContext } from '../options.js';
import type { KeyedRow, SourceObject } from '../source-object.js';

/**
 * One canonical event: where it comes from, which rows of that object it takes, when it
 * happened and its payload (SOURCE-SCHEMA.md: the union of catalog and sample fields, money as
 * numbers, UTC timestamps with Z, dates YYYY-MM-DD, null for absent values). Its rows are typed
 * from the source's select list.
 */
export interface EventDefinition<Row = KeyedRow> {
  readonly type: EventType;
  readonly source: SourceObject<Row>;
  /** Which rows of the source are this event; every row when absent. */
  when?(row: Row): boolean;
  createdUtc(row: Row, zone: string): Date;
  payload(row: Row, zone: string): Record<string, unknown>;
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
