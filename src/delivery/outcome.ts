import { storableText } from '../db/storable-text.js';
import { utcStoreText } from '../db/wall-clock.js';
import type { ClaimedDelivery, AttemptInsertRow, DeliveryUpdateRow } from '../db/ports/delivery.js';
import { RESPONSE_BODY_LIMIT, type SendResult } from './http-sender.js';
import { nextAttemptAt, parseRetryAfter, type RetryOptions } from './retry-policy.js';

/** What one attempt decided: done, try again later, given up, or the receiver said 410 Gone. */
export type Verdict = 'succeeded' | 'retry' | 'failed' | 'gone';

export interface AttemptOutcome {
  verdict: Verdict;
  attempt: AttemptInsertRow;
  update: DeliveryUpdateRow;
}

/** Receivers that say when to come back: the others get the schedule. */
const HONOURS_RETRY_AFTER = new Set([429, 503]);

export function settleAttempt(
  claimed: ClaimedDelivery,
  result: SendResult,
  retry: RetryOptions,
  attemptedAt: Date,
  random: () => number = Math.random,
): AttemptOutcome {
  const number = claimed.attemptCount + 1;
  const now = new Date(attemptedAt.getTime() + result.elapsedMs);
  const attempt: AttemptInsertRow = {
    d: claimed.deliveryId,
    s: claimed.subscriptionId,
    e: claimed.eventId,
    n: number,
    h: result.httpStatus,
    c: result.errorClass,
    // Whatever the sender: what a receiver sent must not be able to fail the batch's write.
    b: result.responseBody === null ? null : storableText(result.responseBody, RESPONSE_BODY_LIMIT),
    ms: result.elapsedMs,
    at: utcStoreText(attemptedAt),
  };
  const base = { d: claimed.deliveryId, n: number, h: result.httpStatus, next: utcStoreText(now) };
  const status = result.httpStatus;
  if (status !== null && status >= 200 && status < 300) {
    return { verdict: 'succeeded', attempt, update: { ...base, st: 'succeeded', err: null, done: utcStoreText(now) } };
  }
  if (status === 410) {
    const err = 'HTTP 410 Gone: the subscription was disabled';
    return { verdict: 'gone', attempt, update: { ...base, st: 'failed', err, done: utcStoreText(now) } };
  }
  const retryAfterMs = status !== null && HONOURS_RETRY_AFTER.has(status) ? parseRetryAfter(result.retryAfter, now) : undefined;
  const next = nextAttemptAt(retry, number, claimed.windowStartUtc, now, retryAfterMs, random);
  const err = storableText(result.error ?? (status === null ? 'no response' : `HTTP ${status}`), 200);
  if (next === null) return { verdict: 'failed', attempt, update: { ...base, st: 'failed', err, done: utcStoreText(now) } };
  return { verdict: 'retry', attempt, update: { ...base, st: 'pending', err, next: utcStoreText(next), done: null } };
}
