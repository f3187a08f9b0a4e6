import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * The latency benchmark's webhook receiver, in a process of its own so that taking 1,000
 * requests a second does not slow the CRM writer that stamps the commits. It notes when each
 * client's event arrives (milliseconds since the epoch, sub-millisecond) and hands the notes to
 * its parent on request over IPC.
 */
const arrivals = new Map<number, number>();
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payload: { client_id: number } };
    if (!arrivals.has(body.payload.client_id)) arrivals.set(body.payload.client_id, at);
    res.end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (message: { report?: boolean; exit?: boolean }) => {
  if (message.report) process.send?.({ arrivals: [...arrivals] });
  if (message.exit) {
    server.closeAllConnections();
    server.close(() => process.disconnect());
  }
});
