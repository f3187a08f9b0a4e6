/** The ten canonical events of v1 (seeds/event-catalog.txt). Types are lowercase {domain}.{action}. */
export const EVENT_TYPES = [
  'lead.created',
  'client.created',
  'client.status_changed',
  'affiliate.created',
  'invoice.created',
  'invoice.status_changed',
  'payment.succeeded',
  'payment.failed',
  'document.uploaded',
  'agreement.signed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

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
