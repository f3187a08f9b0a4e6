/** A long-running part of the service (a loop, a server, a schedule) owned by the lifecycle. */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  /** Stops promptly: finishes or releases work in flight. Called once, in reverse start order. */
  stop(): Promise<void>;
}
