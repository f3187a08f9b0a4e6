import type { EventType } from '../event-types.js';
import { EVENTS } from '../events/index.js';
import type { EventTypeEntry } from './entry.js';

export type { EventTypeEntry } from './entry.js';

/** Every event type with its description, payload schema and sample, in the catalog's order. */
export const EVENT_CATALOG: readonly EventTypeEntry[] = EVENTS.map((event) => ({
  type: event.type,
  domain: event.domain,
  description: event.description,
  source: event.source.name,
  payloadSchema: event.payloadSchema,
  sample: event.sample,
}));

const ENTRIES = new Map<EventType, EventTypeEntry>(EVENT_CATALOG.map((entry) => [entry.type, entry]));

export function catalogEntry(type: EventType): EventTypeEntry {
  return ENTRIES.get(type) as EventTypeEntry;
}

/** `client.status_changed` → `ClientStatusChanged`: the name of its schemas in the OpenAPI document. */
export function schemaName(type: EventType): string {
  return type
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** A catalog entry's payload schema as a standalone JSON Schema file (docs/event-types/). */
export function standaloneSchema(entry: EventTypeEntry): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${entry.type}.schema.json`,
    description: entry.description,
    ...entry.payloadSchema,
  };
}
