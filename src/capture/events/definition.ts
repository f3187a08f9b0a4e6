import type { EventType } from '../../outbox/event-types.js';
import type { SourceObject } from '../source-object.js';

/**
 * One canonical event: where it comes from, which rows of that object it takes, when it
 * happened and its payload (SOURCE-SCHEMA.md: the union of catalog and sample fields, money as
 * numbers, UTC timestamps with Z, dates YYYY-MM-DD, null for absent values).
 */
export interface EventDefinition<Row = Record<string, unknown>> {
  readonly type: EventType;
  readonly source: SourceObject;
  /** Which rows of the source are this event; every row when absent. */
  when?(row: Row): boolean;
  createdUtc(row: Row, zone: string): Date;
  payload(row: Row, zone: string): Record<string, unknown>;
}

/** Typed definitions go into one list of the default row type. */
export function defineEvent<Row>(definition: EventDefinition<Row>): EventDefinition {
  return definition as unknown as EventDefinition;
}
