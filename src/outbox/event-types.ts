import { EVENTS } from './events/index.js';

/** The canonical events of v1, from the registry (events/index.ts). Types are lowercase {domain}.{action}. */
export type EventType = (typeof EVENTS)[number]['type'];

export const EVENT_TYPES: readonly EventType[] = EVENTS.map((event) => event.type);

/** One line per type, from the event catalog, for people choosing what to subscribe to. */
export const EVENT_DESCRIPTIONS = Object.fromEntries(EVENTS.map((event) => [event.type, event.summary])) as Readonly<
  Record<EventType, string>
>;

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value.toLowerCase());
}

/**
 * Whether a subscription's pattern takes an event type: an exact type, '*' for all, or
 * 'client.*' for a whole domain. Case-insensitive; patterns are stored lowercase.
 */
export function patternMatches(pattern: string, type: string): boolean {
  const p = pattern.trim().toLowerCase();
  const t = type.toLowerCase();
  if (p === '*') return true;
  if (p.endsWith('.*')) return t.startsWith(p.slice(0, -1));
  return p === t;
}

/** True when a pattern is '*', 'domain.*' for a catalog domain, or a catalog type. */
export function isValidPattern(pattern: string): boolean {
  const p = pattern.trim().toLowerCase();
  if (p === '*') return true;
  if (p.endsWith('.*')) return EVENT_TYPES.some((t) => t.startsWith(p.slice(0, -1)));
  return isEventType(p);
}

export function subscriptionTakes(eventTypes: string, type: string): boolean {
  return eventTypes.split(',').some((pattern) => pattern.trim() !== '' && patternMatches(pattern, type));
}
