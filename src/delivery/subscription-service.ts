import type { EventEnvelope } from '../outbox/envelope.js';

/**
 * What the subscription routes need from the delivery part (src/delivery/delivery-service.ts).
 * The routes are written against these interfaces only, so tests can hand in their own.
 */
export interface Subscription {
  id: number;
  url: string;
  /** Lowercase catalog types or patterns ('*', 'client.*'). */
  eventTypes: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  createdUtc: string;
  updatedUtc: string;
  /** The API key that created it; null when made outside the API (only admin keys see those). */
  ownerKeyId: number | null;
}

export interface NewSubscription {
  url: string;
  eventTypes: string[];
  /** Generated (whsec_…) when absent. */
  secret?: string;
  description?: string | null;
  enabled?: boolean;
  ownerKeyId?: number | null;
}

export interface SubscriptionPatch {
  url?: string;
  eventTypes?: string[];
  description?: string | null;
  enabled?: boolean;
}

export interface SubscriptionStore {
  create(input: NewSubscription): Promise<{ subscription: Subscription; secret: string }>;
  get(id: number): Promise<Subscription | undefined>;
  /** In id order, after `afterId`; only those `ownerKeyId` created, when given. */
  list(afterId: number, limit: number, ownerKeyId?: number): Promise<Subscription[]>;
  update(id: number, patch: SubscriptionPatch): Promise<Subscription | undefined>;
  /** A new secret; the previous one stays valid for a grace period chosen by the store. */
  rotateSecret(id: number): Promise<{ subscription: Subscription; secret: string } | undefined>;
  /** Deletes the subscription and its queued deliveries; false when there was none. */
  delete(id: number): Promise<boolean>;
}

export type UrlCheck = { ok: true } | { ok: false; reason: string };

/** The same check the dispatcher applies before each send. */
export interface UrlGuard {
  check(url: string): Promise<UrlCheck>;
}

export interface TestEventResult {
  /** True when the request was sent to the subscriber. */
  sent: boolean;
  /** The subscriber's HTTP status, when sent. */
  httpStatus: number | null;
  error: string | null;
  envelope: EventEnvelope;
}

export type SendTestEvent = (subscription: Subscription) => Promise<TestEventResult>;

export interface SubscriptionServices {
  store: SubscriptionStore;
  urlGuard: UrlGuard;
  sendTestEvent: SendTestEvent;
}
