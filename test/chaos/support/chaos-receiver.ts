import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

/** How a receiver answers one request. */
export type Behaviour =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'hang' } // never answers: the sender's timeout ends it
  | { kind: 'reset' } // the connection is destroyed without an answer
  | { kind: 'slow-body'; status: number; chunks: number; everyMs: number } // headers at once, the body a trickle
  | { kind: 'gzip-bomb' }; // a small gzip body that inflates to 64 MiB of NULs

export interface Arrival {
  eventId: string;
  atMs: number;
  attempt: number;
}

export interface KeptRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * 64 MiB of zero bytes compress to about 64 KiB: built once, off the event loop, so building it
 * does not hold up the other receivers in this process (a healthy one's latency is measured here).
 */
let bomb: Promise<Buffer> | undefined;
export function gzipBomb(): Promise<Buffer> {
  bomb ??= promisify(gzip)(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  return bomb;
}

/**
 * A real webhook endpoint on 127.0.0.1 for the fault suite: it counts every request per event id
 * (the webhook-id header), notes when each arrived, and answers as its behaviour says.
 */
export class ChaosReceiver {
  readonly arrivals: Arrival[] = [];
  readonly kept: KeptRequest[] = [];
  keepRequests = false;
  behaviour: (eventId: string, attempt: number) => Behaviour = () => ({ kind: 'status', status: 200 });
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(readonly name: string) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const eventId = String(req.headers['webhook-id'] ?? '');
        const attempt = Number(req.headers['x-webhook-attempt'] ?? 0);
        this.arrivals.push({ eventId, atMs: Date.now(), attempt });
        if (this.keepRequests) this.kept.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = this.behaviour(eventId, attempt);
        switch (answer.kind) {
          case 'status':
            res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
            res.end(answer.body ?? '');
            return;
          case 'hang':
            return;
          case 'reset':
            req.socket.destroy();
            return;
          case 'slow-body': {
            res.writeHead(answer.status, { 'content-type': 'text/plain' });
            let sent = 0;
            const timer = setInterval(() => {
              if (res.destroyed || sent === answer.chunks) {
                clearInterval(timer);
                if (!res.destroyed) res.end();
                return;
              }
              res.write(`chunk ${sent++} `);
            }, answer.everyMs);
            timer.unref();
            return;
          }
          case 'gzip-bomb':
            void gzipBomb().then((body) => {
              res.writeHead(500, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
              res.end(body);
            });
            return;
        }
      });
    });
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#server.keepAliveTimeout = 60_000;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/${this.name}`;
  }

  /** How many times each event id arrived. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const arrival of this.arrivals) counts.set(arrival.eventId, (counts.get(arrival.eventId) ?? 0) + 1);
    return counts;
  }

  /** Arrivals beyond the first of each event: what a receiver has to deduplicate. */
  duplicates(): number {
    let extra = 0;
    for (const count of this.counts().values()) extra += count - 1;
    return extra;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
