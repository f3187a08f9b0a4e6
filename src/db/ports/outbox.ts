import type { Trx } from '../dialect.js';

/** One event row for a batch insert; createdUtc is 'YYYY-MM-DDTHH:mm:ss.SSS' in UTC. */
export interface EventInsertRow {
  ord: number;
  type: string;
  key: string;
  created: string;
  payload: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface DeliveryInsertRow {
  e: number;
  s: number;
}

/** The outbox statements that differ by dialect: set-based batch inserts from one JSON parameter. */
export interface OutboxDialect {
  /** Most events insertEvents is given at once. */
  readonly eventsPerStatement: number;
  /** Most deliveries insertDeliveries is given at once. */
  readonly deliveriesPerStatement: number;
  /**
   * Inserts the events in `ord` order, skipping any whose (type, key) is already in the outbox,
   * and returns the ids of those inserted.
   */
  insertEvents(trx: Trx, companyId: number, rows: readonly EventInsertRow[]): Promise<{ EventId: number; EventType: string }[]>;
  /** Inserts pending deliveries due at `due`, skipping pairs that already exist. */
  insertDeliveries(trx: Trx, rows: readonly DeliveryInsertRow[], due: Date): Promise<number>;
}
