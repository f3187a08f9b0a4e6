import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Scope, VerifiedKey } from '../api/api-keys.js';
import type { RateDecision } from '../api/rate-limit.js';
import type { Database } from '../db/connect.js';
import type { SubscriptionServices } from '../delivery/subscription-service.js';
import type { Logger } from '../logging/logger.js';
import type { CaptureSource } from './overview-queries.js';
import type { AdminSession } from './sessions.js';
import type { PageContext } from './views/layout.js';

/** What the portal is given by the HTTP server: the same services the API's routes use. */
export interface PortalDeps {
  store: Database;
  logger: Logger;
  env: 'development' | 'production';
  sessionIdleMinutes: number;
  /** The API key check of the bearer routes. */
  verifyKey(presented: string): Promise<VerifiedKey | undefined>;
  hasScope(key: VerifiedKey, scope: Scope): boolean;
  /** The API's rate limiter; the portal counts in its `admin` bucket. */
  takeToken(who: string, bucket: 'admin'): RateDecision;
  subscriptions: SubscriptionServices;
  deliveries: DeliveryActions;
  captureSources: readonly CaptureSource[];
  now: () => number;
}

/** Resend and recover: the delivery module's functions, as `outbox deliveries` uses them. */
export interface DeliveryActions {
  /** False when there is no such delivery. */
  resend(deliveryId: number): Promise<boolean>;
  recover(subscriptionId: number, since: Date): Promise<{ requeued: number; fannedOut: number }>;
  /** What recover would queue now; undefined when there is no such subscription. */
  previewRecover(subscriptionId: number, since: Date): Promise<{ requeued: number; fannedOut: number } | undefined>;
  /** The message of a refused resend or recover (a disabled subscription), or undefined for any other error. */
  refusal(error: unknown): string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    adminSession?: AdminSession;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    adminSession?: AdminSession;
  }
}

/** Sends a page: a whole HTML document, never cached (it may hold a secret shown once). */
export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .send(`<!doctype html>${renderToString(page)}`);
}

/** The session of a request that passed the portal's guard. */
export function sessionOf(request: FastifyRequest): AdminSession {
  if (!request.adminSession) throw new Error('portal route reached without a session');
  return request.adminSession;
}

/** Fixed messages after an action, chosen by a word in the redirect (never echoed from the request). */
const NOTICES: Record<string, string> = {
  saved: 'Changes saved.',
  enabled: 'Subscription enabled: new events are delivered to it again. Recover to send what it missed.',
  disabled: 'Subscription disabled: its queued deliveries were cancelled and nothing more is sent to it.',
  deleted: 'Subscription deleted.',
  resent: 'Delivery queued: it is sent again within a moment.',
  'resend-refused': 'Not resent: its subscription is disabled. Enable it first.',
  recovered: 'Deliveries re-queued.',
};

/** What a page's layout shows besides its content: the form token, the section, a notice after an action. */
export function pageContext(request: FastifyRequest, section: PageContext['section']): PageContext {
  const done = (request.query as Record<string, unknown> | undefined)?.['done'];
  return { csrfToken: sessionOf(request).csrfToken, section, notice: typeof done === 'string' ? NOTICES[done] : undefined };
}
