/** A token bucket per (key, bucket): `burst` tokens, refilled at perMinute / 60 per second. */
export interface BucketLimit {
  perMinute: number;
  burst: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again (RateLimit-Reset). */
  resetSeconds: number;
  /** Seconds until one more request is allowed (Retry-After), when refused. */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Past this many buckets (addresses come and go), the full ones are forgotten: they start full anyway. */
const MAX_BUCKETS = 50_000;

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: Readonly<Record<string, BucketLimit>>,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string, bucketName: string): RateDecision {
    return this.#decide(key, bucketName, 1);
  }

  /** Gives back a token taken for a request that turned out not to count (a valid key's lookup). */
  giveBack(key: string, bucketName: string): void {
    this.#decide(key, bucketName, -1);
  }

  #forgetFull(now: number): void {
    for (const [id, bucket] of this.#buckets) {
      const limit = this.limits[id.slice(0, id.indexOf(':'))];
      if (!limit || bucket.tokens + (now - bucket.at) * (limit.perMinute / 60_000) >= limit.burst) this.#buckets.delete(id);
    }
  }

  #decide(key: string, bucketName: string, cost: number): RateDecision {
    const limit = this.limits[bucketName];
    if (!limit) throw new Error(`no rate limit for bucket ${bucketName}`);
    const perMs = limit.perMinute / 60_000;
    const id = `${bucketName}:${key}`;
    const now = this.now();
    const bucket = this.#buckets.get(id) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    const allowed = cost < 0 || bucket.tokens >= 1;
    if (allowed) bucket.tokens = Math.min(limit.burst, bucket.tokens - cost);
    this.#buckets.set(id, bucket);
    if (this.#buckets.size > MAX_BUCKETS) this.#forgetFull(now);
    return {
      allowed,
      limit: limit.burst,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((limit.burst - bucket.tokens) / perMs / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
    };
  }
}
