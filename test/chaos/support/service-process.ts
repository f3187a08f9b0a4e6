import { writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type RunningCli, startCli } from '../../support/cli.js';

/** A port nobody listens on now, so a restarted instance comes back at the same address. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The settings every chaos instance runs with: fast polls, short leases and retries so a killed
 * process's work falls due again within seconds, and rate limits out of the way of the load.
 */
export function chaosConfig(storeUrl: string, port: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const unlimited = { perMinute: 1_000_000, burst: 100_000 };
  const base: Record<string, unknown> = {
    store: { url: storeUrl, connectTimeoutMs: 5000 },
    http: { port },
    log: { level: 'info', format: 'json' },
    shutdown: { timeoutMs: 5000 },
    retention: { enabled: false },
    api: { rateLimits: { read: unlimited, write: unlimited, admin: unlimited }, keyCacheMs: 60_000 },
    capture: { pollIntervalMs: 200, gapTimeoutMs: 300_000 },
    delivery: {
      pollIntervalMs: 100,
      leaseMs: 4000,
      timeoutMs: 2000,
      connectTimeoutMs: 1000,
      retrySchedule: [0.5, 1, 2, 3, 5],
      circuit: { failureThreshold: 5, openMs: 1000, maxOpenMs: 3000 },
    },
  };
  for (const [key, value] of Object.entries(overrides)) {
    const current = base[key];
    base[key] =
      current && typeof current === 'object' && value && typeof value === 'object' && !Array.isArray(value)
        ? { ...(current as object), ...(value as object) }
        : value;
  }
  return base;
}

/** One `outbox run` process that a scenario kills and restarts; every life's output is kept. */
export class ServiceProcess {
  readonly #configFile: string;
  #current: RunningCli | undefined;
  readonly #lives: RunningCli[] = [];
  kills = 0;

  constructor(
    readonly name: string,
    folder: string,
    readonly port: number,
    config: Record<string, unknown>,
  ) {
    this.#configFile = path.join(folder, `${name}.json`);
    writeFileSync(this.#configFile, JSON.stringify(config));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#current !== undefined;
  }

  get pid(): number | undefined {
    return this.#current?.child.pid;
  }

  /** Everything every life of this instance printed. */
  output(): string {
    return this.#lives.map((life) => life.output()).join('\n');
  }

  /** Starts the service and resolves when its HTTP API listens. */
  async start(extraArgs: string[] = []): Promise<void> {
    const life = startCli(['run', '--config', this.#configFile, ...extraArgs]);
    this.#lives.push(life);
    this.#current = life;
    await life.waitFor(/HTTP server listening on/, 60_000);
  }

  /** SIGKILL: no shutdown, no lease given back, nothing flushed. */
  async kill(): Promise<void> {
    const life = this.#current;
    if (!life) return;
    this.#current = undefined;
    life.child.kill('SIGKILL');
    await life.exited;
    this.kills++;
  }

  /** A graceful stop; resolves with the exit code. */
  async stop(): Promise<number | null> {
    const life = this.#current;
    if (!life) return null;
    this.#current = undefined;
    life.child.kill('SIGTERM');
    const timer = setTimeout(() => life.child.kill('SIGKILL'), 15_000);
    const code = await life.exited;
    clearTimeout(timer);
    return code;
  }

  /** Log lines (JSON) of every life whose message matches. */
  logLines(pattern: RegExp): string[] {
    return this.output()
      .split('\n')
      .filter((line) => pattern.test(line));
  }
}
