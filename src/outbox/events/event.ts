import type { KeyedRow, SourceObject } from '../crm/source-object.js';
import type { EventEnvelope } from '../envelope.js';
import type { JsonSchema } from '../event-catalog/fields.js';

/** An envelope as a webhook body or a polled event carries it, its type known. */
export type SampleEnvelope<Type extends string> = EventEnvelope & { type: Type };

/** An event as capture hands it to the outbox, before it has an id. */
export interface CapturedEvent<Type extends string> {
  type: Type;
  /** The source object and key that make this event unique with its type, e.g. 'dbo.Client:42'. */
  sourceKey: string;
  createdUtc: Date;
  payload: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * How capture reads an event by key from its source object: which rows are this event (every
 * row when `when` is absent), when it happened and its payload (SOURCE-SCHEMA.md: the union of
 * catalog and sample fields, money as numbers, UTC timestamps with Z, dates YYYY-MM-DD, null for
 * absent values).
 */
export interface KeyedCapture<Row> {
  when?(row: Row): boolean;
  createdUtc(row: Row, zone: string): Date;
  payload(row: Row, zone: string): Record<string, unknown>;
}

/**
 * Everything about one event type, in its own file: what a subscriber reads before the first
 * delivery (catalog) and how capture reads it from the CRM. Its rows are typed from its source's
 * select list, so reading a column the source does not select fails to compile.
 */
export interface EventModule<Type extends string = string, Row = KeyedRow> {
  readonly type: Type;
  /** Client, Billing, Affiliates, Documents or Compliance. */
  readonly domain: string;
  /** One line, for people choosing what to subscribe to. */
  readonly summary: string;
  readonly description: string;
  /** The CRM table or view it is read from. */
  readonly source: SourceObject<Row>;
  /** JSON Schema (2020-12) of the envelope's `payload`. */
  readonly payloadSchema: JsonSchema;
  /** A whole envelope; POST .../test sends its payload. */
  readonly sample: SampleEnvelope<Type>;
  /** Absent for an event capture derives otherwise (invoice.status_changed: a row hook). */
  readonly capture?: KeyedCapture<Row>;
}

/** Typed modules go into one registry of the default row type. */
export function describeEvent<const Type extends string, Row>(event: EventModule<Type, Row>): EventModule<Type> {
  return event as unknown as EventModule<Type>;
}

/** A sample envelope: the catalog's sample values, with the metadata capture writes. */
export function sampleEnvelope<Type extends string>(
  id: number,
  type: Type,
  createdUtc: string,
  payload: Record<string, unknown>,
  metadata: Record<string, unknown>,
): SampleEnvelope<Type> {
  return { id, type, createdUtc, companyId: 92, payload, metadata };
}
