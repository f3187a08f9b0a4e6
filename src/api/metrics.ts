import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CaptureMetrics } from '../capture/capture-metrics.js';
import { statementCounts } from '../db/statement-count.js';
import type { CircuitStateName } from '../delivery/circuit.js';
import type { DeliveryMetrics } from '../delivery/delivery-metrics.js';

/**
 * The service's Prometheus metrics, in one registry served at GET /metrics. Capture and delivery
 * report through their ports (captureMetrics, deliveryMetrics below), which the service hands them.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'outbox_' });

const eventsCaptured = new Counter({
  name: 'outbox_events_captured_total',
  help: 'Events written to the outbox, by event type',
  labelNames: ['type'] as const,
  registers: [metricsRegistry],
});

export const captureLagSeconds = new Gauge({
  name: 'outbox_capture_lag_seconds',
  help: 'Seconds between a change in the CRM and its event in the outbox, as of the last capture pass',
  registers: [metricsRegistry],
});

const captureGapKeysPending = new Gauge({
  name: 'outbox_capture_gap_keys_pending',
  help: 'Keys the capture passed while they were missing (open transactions, rollbacks, identity jumps), still re-read each cycle, by source object',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
});

const captureGapKeysExpired = new Counter({
  name: 'outbox_capture_gap_keys_expired_total',
  help: 'Keys given up after capture.gapTimeoutMs, by source object: rolled back or deleted rows, or rows of a CRM transaction open longer than that, which never become events',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
});

/** The capture loop's reports, into the metrics above. */
export const captureMetrics: CaptureMetrics = {
  captured: (type, count) => eventsCaptured.inc({ type }, count),
  lag: (seconds) => captureLagSeconds.set(seconds),
  gapKeysPending: (source, keys) => captureGapKeysPending.set({ source }, keys),
  gapKeysExpired: (source, keys) => captureGapKeysExpired.inc({ source }, keys),
};

const deliveriesTotal = new Counter({
  name: 'outbox_deliveries_total',
  help: 'Webhook deliveries finished, by outcome (succeeded, failed, cancelled, retried)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

const attemptDurationSeconds = new Histogram({
  name: 'outbox_delivery_attempt_duration_seconds',
  help: 'Duration of one webhook delivery attempt',
  labelNames: ['outcome'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

const circuitState = new Gauge({
  name: 'outbox_circuit_state',
  help: 'Per-subscription circuit breaker: 0 closed, 1 half-open, 2 open',
  labelNames: ['subscription'] as const,
  registers: [metricsRegistry],
});

const CIRCUIT_GAUGE: Record<CircuitStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

/** The dispatcher's reports, into the metrics above. */
export const deliveryMetrics: DeliveryMetrics = {
  attempted: (outcome, seconds) => attemptDurationSeconds.observe({ outcome }, seconds),
  settled: (outcome) => deliveriesTotal.inc({ outcome }),
  circuitChanged: (subscriptionId, state) => circuitState.set({ subscription: String(subscriptionId) }, CIRCUIT_GAUGE[state]),
};

/** Read on every scrape (a cheap count over the filtered pending index); set by registerQueueDepth. */
let readQueueDepth: (() => Promise<number>) | undefined;

export const queueDepth = new Gauge({
  name: 'outbox_delivery_queue_depth',
  help: 'Deliveries pending (due now or later)',
  registers: [metricsRegistry],
  async collect() {
    if (readQueueDepth) this.set(await readQueueDepth());
  },
});

export function registerQueueDepth(read: (() => Promise<number>) | undefined): void {
  readQueueDepth = read;
}

/** The last capture lag set in this process, or undefined when capture has not reported. */
export async function currentCaptureLag(): Promise<number | undefined> {
  const value = (await captureLagSeconds.get()).values[0];
  return value === undefined ? undefined : value.value;
}

/** How many statements were reported per role so far; collect adds what came since. */
const statementsReported = new Map<string, number>();

export const dbStatements = new Counter({
  name: 'outbox_db_statements_total',
  help: 'Statements this process sent, by database (store, source): the cost of polling',
  labelNames: ['database'] as const,
  registers: [metricsRegistry],
  collect() {
    for (const [database, count] of statementCounts()) {
      const added = count - (statementsReported.get(database) ?? 0);
      if (added > 0) this.inc({ database }, added);
      statementsReported.set(database, count);
    }
  },
});
