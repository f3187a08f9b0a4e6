import type { CircuitStateName } from './circuit.js';

/** Where the dispatcher reports what it sent; the service feeds its Prometheus metrics from it. */
export interface DeliveryMetrics {
  /** One request sent: whether the subscriber took it, and how long it took. */
  attempted(outcome: 'success' | 'failure', seconds: number): void;
  /** A delivery's turn ended: succeeded, failed, gone, retried or cancelled. */
  settled(outcome: string): void;
  circuitChanged(subscriptionId: number, state: CircuitStateName): void;
}

export const noDeliveryMetrics: DeliveryMetrics = {
  attempted: () => undefined,
  settled: () => undefined,
  circuitChanged: () => undefined,
};
