import { EVENTS } from '../../outbox/events/index.js';
import { INVOICE_STATUS_HOOKS } from '../invoice-status.js';
import { defineEvent, type EventDefinition, type RowHook } from './definition.js';

/**
 * The events read by key from one source object each, from the registry. invoice.status_changed
 * has no keyed capture: it compares the view with a snapshot (../invoice-status.ts).
 */
export const KEYED_EVENTS: readonly EventDefinition[] = EVENTS.flatMap((event) =>
  event.capture === undefined ? [] : [defineEvent({ type: event.type, source: event.source, ...event.capture })],
);

/** What cycles also do with the rows they read: the invoice snapshot behind invoice.status_changed. */
export const ROW_HOOKS: readonly RowHook[] = [...INVOICE_STATUS_HOOKS];

/** Each source object and the event types read from it, for views of capture per source. */
export const CAPTURE_SOURCES: readonly { name: string; types: readonly string[] }[] = (() => {
  const bySource = new Map<string, string[]>();
  for (const event of EVENTS) bySource.set(event.source.name, [...(bySource.get(event.source.name) ?? []), event.type]);
  return [...bySource].map(([name, types]) => ({ name, types }));
})();
