import cron from 'node-cron';
import { z } from 'zod';
import { networkProblem } from './allowed-networks.js';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './timeouts.js';
import { DATABASE_URL_EXAMPLES, DatabaseUrlError, parseDatabaseUrl } from './database-url.js';

const databaseUrl = z.string().superRefine((value, ctx) => {
  try {
    parseDatabaseUrl(value);
  } catch (error) {
    const problem = error instanceof DatabaseUrlError ? error.message : 'cannot be parsed';
    ctx.addIssue({ code: 'custom', message: `${problem}; expected e.g. ${DATABASE_URL_EXAMPLES}` });
  }
});

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isIanaZone, { message: 'is not an IANA time zone; expected e.g. UTC, America/New_York, Europe/London' });

const positiveMs = z.number().int().positive();

const rateLimit = z.strictObject({ perMinute: z.number().positive(), burst: z.number().int().min(1) });

/**
 * The whole configuration. Every object is strict so a misspelt key is reported rather than
 * silently ignored. Later parts of the service add their own sections here.
 */
export const configSchema = z.strictObject({
  env: z.enum(['development', 'production']).default('development'),
  companyId: z.number().int().nonnegative().default(1),
  store: z
    .strictObject({
      url: databaseUrl.default('pglite:./data/store'),
      connectTimeoutMs: positiveMs.default(15000),
      poolMax: z.number().int().min(1).max(200).default(10),
      lockTimeoutMs: positiveMs.default(DEFAULT_LOCK_TIMEOUT_MS),
      requestTimeoutMs: positiveMs.default(DEFAULT_REQUEST_TIMEOUT_MS),
    })
    .prefault({}),
  source: z
    .strictObject({
      // null means "the store database": the integration schema lives beside the CRM tables.
      url: databaseUrl.nullable().default(null),
      timezone: timeZone.default('UTC'),
      connectTimeoutMs: positiveMs.default(15000),
      poolMax: z.number().int().min(1).max(200).default(4),
      lockTimeoutMs: positiveMs.default(DEFAULT_LOCK_TIMEOUT_MS),
      requestTimeoutMs: positiveMs.default(DEFAULT_REQUEST_TIMEOUT_MS),
    })
    .prefault({}),
  http: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      /** How clients reach the API (behind a proxy, say): the OpenAPI document's server URL. */
      publicUrl: z
        .url({ protocol: /^https?$/, error: 'is not an http(s) URL; expected e.g. https://outbox.example.com' })
        .nullable()
        .default(null),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
      format: z.enum(['auto', 'json', 'text']).default('auto'),
      file: z
        .strictObject({
          enabled: z.boolean().default(false),
          directory: z.string().min(1).default('./logs'),
          /** Rotate when a day's file passes this size (winston-daily-rotate-file syntax). */
          maxSize: z.string().default('50m'),
          /** Keep this many days of files ('14d') or this many files ('20'). */
          maxFiles: z.string().default('14d'),
        })
        .prefault({}),
      /** Windows only: warnings and errors also go to the Application event log. */
      windowsEventLog: z.boolean().default(true),
    })
    .prefault({}),
  shutdown: z
    .strictObject({
      timeoutMs: positiveMs.default(10000),
    })
    .prefault({}),
  retention: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** node-cron expression; default: every hour at minute 17, away from the top of the hour. */
      schedule: z
        .string()
        .refine((value) => cron.validate(value), { message: 'is not a cron expression; expected e.g. "17 * * * *"' })
        .default('17 * * * *'),
      eventsDays: z.number().positive().default(30),
      attemptsDays: z.number().positive().default(14),
      batchSize: z.number().int().min(1).max(4000).default(4000),
    })
    .prefault({}),
  api: z
    .strictObject({
      // Token buckets per API key and bucket: `perMinute` refills, `burst` is the bucket's size.
      rateLimits: z
        .strictObject({
          read: rateLimit.default({ perMinute: 600, burst: 120 }),
          write: rateLimit.default({ perMinute: 120, burst: 30 }),
          admin: rateLimit.default({ perMinute: 60, burst: 20 }),
        })
        .prefault({}),
      // How long a verified key is trusted without a database read; a revoke takes effect within it.
      keyCacheMs: z.number().int().nonnegative().default(5000),
      // Key lookups of unknown keys per client address: guessing keys costs the store nothing
      // once the bucket is empty (429); a key that proves valid gives its token back.
      failedAuthPerAddress: rateLimit.default({ perMinute: 30, burst: 20 }),
      // /readyz fails when capture reports a lag above this.
      readyMaxCaptureLagSeconds: z.number().positive().default(300),
    })
    .prefault({}),
  capture: z
    .strictObject({
      enabled: z.boolean().default(true),
      /**
       * How often an idle loop probes the source (one short statement for every object): a commit
       * after a quiet spell waits at most this long. 200 ms costs about 5 statements/s to the CRM.
       */
      pollIntervalMs: positiveMs.default(200),
      /**
       * While rows keep coming, the newest key of every object is probed this often (one short
       * statement) and changed objects are read at once; idle, the probe backs off to pollIntervalMs.
       */
      minPollIntervalMs: positiveMs.default(10),
      /**
       * Rows read per source object per cycle; a full batch polls again at once. Each cycle pays a
       * transaction, a lock and the source query's start, so a burst drains faster in larger ones.
       */
      batchSize: z.number().int().min(1).max(50000).default(10000),
      /** How long a key skipped by an uncommitted transaction is re-read: above the longest CRM transaction. */
      gapTimeoutMs: positiveMs.default(600000),
      /**
       * No longer used: gaps are kept as key ranges and never capped, so no key is skipped. Still
       * accepted so an existing configuration loads; the service warns that it is ignored.
       */
      maxGapKeys: z.number().int().min(0).max(100000).optional(),
      /** node-cron expression of the full invoice status reconciliation. */
      reconcileCron: z.string().min(1).default('0 * * * *'),
      reconcilePageSize: z.number().int().min(1).max(50000).default(5000),
    })
    .prefault({}),
  delivery: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** How often an idle dispatcher looks for due deliveries; a full claim looks again at once. */
      pollIntervalMs: positiveMs.default(500),
      /**
       * After a claim that found work the next comes this soon, doubling back to pollIntervalMs.
       * Capture in this process (and on PostgreSQL in any instance) wakes the dispatcher at once.
       */
      minPollIntervalMs: positiveMs.default(50),
      /** Deliveries claimed per statement. */
      batchSize: z.number().int().min(1).max(1000).default(250),
      /** Deliveries this process holds at once (sending or queued to send), all subscriptions together. */
      maxInFlight: z.number().int().min(1).max(10000).default(1000),
      /**
       * Requests in flight to one subscription, so a slow endpoint cannot take every slot. One
       * subscription's throughput is this many divided by its answer time: 50 keeps 1,000 events/s
       * flowing to an endpoint that answers in 50 ms.
       */
      perSubscriptionInFlight: z.number().int().min(1).max(1000).default(50),
      /** How long a claim is owned before anyone may claim it again; renewed while work is held. */
      leaseMs: positiveMs.default(60000),
      timeoutMs: positiveMs.default(15000),
      connectTimeoutMs: positiveMs.default(5000),
      /** Seconds before each retry: at most one retry per entry, within retryWindowHours. */
      retrySchedule: z.array(z.number().positive()).min(0).max(50).default([10, 30, 120, 300, 900, 1800, 3600, 7200, 18000, 36000]),
      /** No retry is scheduled later than this after the delivery was queued. */
      retryWindowHours: z.number().positive().default(24),
      /** Each delay is moved by up to this fraction either way, so retries of a burst spread out. */
      jitter: z.number().min(0).max(0.5).default(0.2),
      circuit: z
        .strictObject({
          /** Consecutive failed attempts that pause an endpoint. */
          failureThreshold: z.number().int().min(1).default(5),
          /** The first pause; each failed probe doubles it up to maxOpenMs. */
          openMs: positiveMs.default(30000),
          maxOpenMs: positiveMs.default(600000),
        })
        .prefault({}),
      /** A subscription whose every attempt has failed this long is disabled. */
      disableAfterFailingDays: z.number().positive().default(5),
      /** After a secret rotation the old secret also signs for this long. */
      secretOverlapHours: z.number().min(0).default(24),
      /** Results are written in batches of at most this many attempts, or every flushMs. */
      recordBatchSize: z.number().int().min(1).max(2000).default(500),
      flushMs: positiveMs.default(50),
      /** In production, private networks webhooks may reach besides public addresses (CIDR); metadata addresses never. */
      allowedNetworks: z
        .array(
          z.string().superRefine((value, ctx) => {
            const problem = networkProblem(value);
            if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
          }),
        )
        .max(100)
        .default([]),
    })
    .prefault({}),
  admin: z
    .strictObject({
      /** The portal at /admin; off, it answers 404 there. */
      enabled: z.boolean().default(true),
      /** A portal session ends after this long without a request. */
      sessionIdleMinutes: z.number().positive().max(1440).default(30),
    })
    .prefault({}),
  demo: z
    .strictObject({
      eventsPerSecond: z.number().positive().max(10000).default(2),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
