export interface CircuitOptions {
  failureThreshold: number;
  openMs: number;
  maxOpenMs: number;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open';

interface Circuit {
  failures: number;
  state: CircuitStateName;
  /** When an open circuit lets one probe through. */
  retryAt: number;
  /** The current pause; doubled by each failed probe. */
  openMs: number;
  probing: boolean;
}

/**
 * One circuit per subscription, in this process. After `failureThreshold` consecutive failures
 * the endpoint is paused (open); when the pause ends one request goes through as a probe
 * (half-open): success closes the circuit, failure opens it again for twice as long, up to
 * maxOpenMs. So a dead endpoint costs one request per pause instead of a request per delivery.
 */
export class CircuitBreakers {
  readonly #circuits = new Map<number, Circuit>();

  constructor(
    private readonly options: CircuitOptions,
    private readonly now: () => number = Date.now,
    private readonly onChange: (subscriptionId: number, state: CircuitStateName) => void = () => {},
  ) {}

  state(subscriptionId: number): CircuitStateName {
    return this.#circuits.get(subscriptionId)?.state ?? 'closed';
  }

  /** Whether a request may go now; in half-open, only the one probe may. Takes the probe slot. */
  tryAcquire(subscriptionId: number): boolean {
    const circuit = this.#circuits.get(subscriptionId);
    if (!circuit || circuit.state === 'closed') return true;
    if (circuit.state === 'open') {
      if (this.now() < circuit.retryAt) return false;
      this.#set(subscriptionId, circuit, 'half-open');
    }
    if (circuit.probing) return false;
    circuit.probing = true;
    return true;
  }

  /** Subscriptions that cannot take a request now: the claim leaves their deliveries alone. */
  blocked(): number[] {
    const now = this.now();
    const ids: number[] = [];
    for (const [id, circuit] of this.#circuits) {
      if ((circuit.state === 'open' && now < circuit.retryAt) || (circuit.state === 'half-open' && circuit.probing)) ids.push(id);
    }
    return ids;
  }

  /**
   * Subscriptions whose next request is a probe (the pause is over, no probe is out yet): a claim
   * takes one delivery for each, not a backlog it would only have to give back.
   */
  probing(): number[] {
    const now = this.now();
    const ids: number[] = [];
    for (const [id, circuit] of this.#circuits) {
      if ((circuit.state === 'open' && now >= circuit.retryAt) || (circuit.state === 'half-open' && !circuit.probing)) ids.push(id);
    }
    return ids;
  }

  /** When a blocked subscription may be tried again (for re-scheduling what it cannot take). */
  retryAt(subscriptionId: number): number {
    const circuit = this.#circuits.get(subscriptionId);
    return circuit && circuit.state !== 'closed' ? Math.max(circuit.retryAt, this.now()) : this.now();
  }

  succeeded(subscriptionId: number): void {
    const circuit = this.#circuits.get(subscriptionId);
    if (!circuit) return;
    this.#circuits.delete(subscriptionId);
    if (circuit.state !== 'closed') this.onChange(subscriptionId, 'closed');
  }

  failed(subscriptionId: number): void {
    let circuit = this.#circuits.get(subscriptionId);
    if (!circuit) {
      circuit = { failures: 0, state: 'closed', retryAt: 0, openMs: this.options.openMs, probing: false };
      this.#circuits.set(subscriptionId, circuit);
    }
    circuit.failures += 1;
    if (circuit.state === 'half-open') {
      circuit.openMs = Math.min(circuit.openMs * 2, this.options.maxOpenMs);
      this.#open(subscriptionId, circuit);
    } else if (circuit.state === 'closed' && circuit.failures >= this.options.failureThreshold) {
      this.#open(subscriptionId, circuit);
    }
  }

  /** A request that took the probe slot but was not sent (shutdown): let another probe go. */
  released(subscriptionId: number): void {
    const circuit = this.#circuits.get(subscriptionId);
    if (circuit) circuit.probing = false;
  }

  #open(subscriptionId: number, circuit: Circuit): void {
    circuit.retryAt = this.now() + circuit.openMs;
    circuit.probing = false;
    this.#set(subscriptionId, circuit, 'open');
  }

  #set(subscriptionId: number, circuit: Circuit, state: CircuitStateName): void {
    if (circuit.state === state) return;
    circuit.state = state;
    this.onChange(subscriptionId, state);
  }
}
