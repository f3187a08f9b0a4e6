import { Writable } from 'node:stream';
import winston from 'winston';
import { captureCycle, type CycleHooks } from '../../src/capture/engine.js';
import { KEYED_EVENTS } from '../../src/capture/events/index.js';
import type { CaptureContext } from '../../src/capture/options.js';
import { SOURCE_OBJECTS } from '../../src/outbox/crm/sources.js';
import type { Database } from '../../src/db/connect.js';
import { type Logger, silentLogger } from '../../src/logging/logger.js';

export function testCaptureContext(store: Database, overrides: Partial<CaptureContext> = {}): CaptureContext {
  return {
    source: store,
    store,
    companyId: 92,
    zone: 'UTC',
    batchSize: 500,
    gapTimeoutMs: 600_000,
    reconcilePageSize: 100,
    logger: silentLogger(),
    now: () => new Date('2026-01-28T12:00:00Z'),
    ...overrides,
  };
}

/** Every object once, repeating while full, as the loop does. */
export async function captureAll(ctx: CaptureContext, hooks: CycleHooks = {}): Promise<void> {
  for (const object of SOURCE_OBJECTS) {
    for (;;) {
      const result = await captureCycle(ctx, object, KEYED_EVENTS, hooks);
      if (result.status !== 'captured' || !result.full) break;
    }
  }
}

export async function eventsOf(store: Database, type: string) {
  const rows = await store.db
    .selectFrom('integration.OutboxEvent')
    .select(['EventId', 'SourceKey', 'CreatedUtc', 'Payload', 'Metadata'])
    .where('EventType', '=', type)
    .orderBy('EventId')
    .execute();
  return rows.map((r) => ({
    id: Number(r.EventId),
    sourceKey: r.SourceKey,
    createdUtc: new Date(r.CreatedUtc).toISOString(),
    payload: JSON.parse(r.Payload) as Record<string, unknown>,
    metadata: JSON.parse(r.Metadata) as Record<string, unknown>,
  }));
}

/** A logger that keeps each line's level and message, for tests that read what was logged. */
export function recordingLogger(): { logger: Logger; lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const sink = new Writable({
    objectMode: true,
    write(info: { level: string; message: string }, _encoding, done) {
      lines.push({ level: info.level, message: String(info.message) });
      done();
    },
  });
  const logger = winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream: sink })] });
  return { logger, lines };
}
