import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';
import type { SessionGate } from './session-gate.js';

const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I': not in a transaction block

export interface ServedStore {
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the embedded store over the PostgreSQL protocol on loopback, so `outbox` commands in
 * another shell reach the running service's PGlite instead of opening its folder a second time.
 */
export async function serveEmbeddedStore(client: PGlite, gate: SessionGate): Promise<ServedStore> {
  const queue = new GatedQueryQueue(client, gate);
  const handlers = new Set<PGLiteSocketHandler>();
  const server = net.createServer((socket) => {
    // The handler's queue option is typed as the library's own class; ours keeps its contract.
    const handler = new PGLiteSocketHandler({ queryQueue: queue as never, closeOnDetach: true });
    handlers.add(handler);
    handler.addEventListener('close', () => handlers.delete(handler));
    void handler.attach(socket).catch(() => socket.destroy());
  });
  server.maxConnections = 16;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as net.AddressInfo;
  return {
    host: address,
    port,
    close: async () => {
      await Promise.allSettled([...handlers].map((handler) => handler.detach(true)));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * What PGLiteSocketHandler asks of its queue: run one protocol message for a client. A client
 * takes the session gate with its first message and keeps it until PGlite answers that the
 * session is idle, or until it disconnects (its open transaction is then rolled back).
 */
class GatedQueryQueue {
  #waiting = 0;

  constructor(
    private readonly client: PGlite,
    private readonly gate: SessionGate,
  ) {}

  async enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    this.#waiting += 1;
    try {
      await this.gate.enter(handlerId);
    } finally {
      this.#waiting -= 1;
    }
    let tail: Uint8Array = new Uint8Array(0);
    let bytes = 0;
    try {
      await this.client.runExclusive(() =>
        this.client.execProtocolRawStream(message, {
          onRawData: (chunk: Uint8Array) => {
            bytes += chunk.length;
            tail = lastBytes(tail, chunk, 6);
            onData(chunk);
          },
        }),
      );
    } catch (error) {
      await this.clearTransactionIfNeeded(handlerId);
      throw error;
    }
    if (tail.length === 6 && tail[0] === READY_FOR_QUERY && tail[5] === IDLE) this.gate.leave(handlerId);
    return bytes;
  }

  getQueueLength(): number {
    return this.#waiting;
  }

  clearQueueForHandler(): void {
    // Messages wait on the gate in order; a disconnected client's pending ones fail on write.
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (!this.gate.holds(handlerId)) return;
    try {
      if (this.client.isInTransaction()) await this.client.exec('ROLLBACK');
    } finally {
      this.gate.leave(handlerId);
    }
  }
}

function lastBytes(previous: Uint8Array, chunk: Uint8Array, count: number): Uint8Array {
  if (chunk.length >= count) return chunk.slice(chunk.length - count);
  const joined = new Uint8Array(previous.length + chunk.length);
  joined.set(previous);
  joined.set(chunk, previous.length);
  return joined.slice(Math.max(0, joined.length - count));
}
