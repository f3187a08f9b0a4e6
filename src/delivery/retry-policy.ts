/** What the retry schedule needs from the delivery configuration. */
export interface RetryOptions {
  /** Seconds before each retry, in order. */
  retrySchedule: readonly number[];
  retryWindowHours: number;
  /** Fraction of each delay added or taken away at random. */
  jitter: number;
}

/**
 * When to try a failed delivery again, or null when it has had its retries. `attemptsMade`
 * counts the attempt that just failed. A `Retry-After` from the receiver is honoured (never
 * earlier than it asks) as long as it falls within the window; the last retry never falls after
 * the window's end, so every delivery is settled within it.
 */
export function nextAttemptAt(
  options: RetryOptions,
  attemptsMade: number,
  windowStart: Date,
  now: Date,
  retryAfterMs?: number,
  random: () => number = Math.random,
): Date | null {
  const retryIndex = attemptsMade - 1;
  const scheduledSeconds = options.retrySchedule[retryIndex];
  if (scheduledSeconds === undefined) return null;
  const windowEnd = windowStart.getTime() + options.retryWindowHours * 3600_000;
  if (now.getTime() >= windowEnd) return null;
  const jittered = scheduledSeconds * 1000 * (1 + options.jitter * (2 * random() - 1));
  const delay = Math.max(jittered, retryAfterMs ?? 0);
  return new Date(Math.min(now.getTime() + delay, windowEnd));
}

/**
 * Retry-After as milliseconds from `now`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable, so the schedule applies.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
