import type { OutboxEventRow } from '../db/store-tables.js';

/** The canonical event as receivers and pollers see it (seeds/delivery-model.txt). */
export interface EventEnvelope {
  id: number;
  type: string;
  createdUtc: string;
  companyId: number;
  payload: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** The columns to select to build an envelope: never more (Payload is the large one). */
export const ENVELOPE_COLUMNS = ['EventId', 'EventType', 'CreatedUtc', 'CompanyId', 'Payload', 'Metadata'] as const;

/**
 * ISO 8601 UTC, always with milliseconds and a Z: one fixed width whatever the source row held,
 * so a backfilled event (CRM rows often have whole seconds) reads like a live one and a
 * consumer's strict date format accepts both.
 */
export function utcText(value: Date | string): string {
  return new Date(value).toISOString();
}

export function toEnvelope(row: OutboxEventRow): EventEnvelope {
  return {
    id: Number(row.EventId),
    type: row.EventType,
    createdUtc: utcText(row.CreatedUtc),
    companyId: row.CompanyId,
    payload: JSON.parse(row.Payload) as Record<string, unknown>,
    metadata: JSON.parse(row.Metadata) as Record<string, unknown>,
  };
}

/**
 * The exact bytes sent as a webhook body and signed. Built from the stored JSON text without
 * re-ordering, so every retry of a delivery carries the same bytes.
 */
export function envelopeJson(row: OutboxEventRow): string {
  return `{"id":${Number(row.EventId)},"type":${JSON.stringify(row.EventType)},"createdUtc":"${utcText(row.CreatedUtc)}","companyId":${row.CompanyId},"payload":${row.Payload},"metadata":${row.Metadata}}`;
}
