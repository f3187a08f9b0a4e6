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

/** One line per type, from the event catalog, for people choosing what to subscribe to. */
export const EVENT_DESCRIPTIONS: Readonly<Record<EventType, string>> = {
  'lead.created': 'A new lead has been captured.',
  'client.created': 'A new client was enrolled.',
  'client.status_changed': 'A client moved to a different stage of their lifecycle.',
  'affiliate.created': 'A new referral partner was added.',
  'invoice.created': 'A new invoice was generated for a client.',
  'invoice.status_changed': "An invoice's payment status changed (Unpaid to Paid, …).",
  'payment.succeeded': 'A payment was processed successfully.',
  'payment.failed': 'A payment attempt was declined.',
  'document.uploaded': 'A file was added to a client record (credit report, ID, utility bill, …).',
  'agreement.signed': 'A client electronically signed a required document.',
};

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
