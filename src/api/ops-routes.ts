import type { FastifyInstance } from 'fastify';
import { CompiledQuery } from 'kysely';
import type { ServiceContext } from '../kernel/context.js';
import { assertSchemaCurrent } from '../store/migrate.js';
import { countPending } from '../delivery/delivery-log.js';
import { ApiError } from './errors.js';
import { currentCaptureLag, metricsRegistry, registerQueueDepth } from './metrics.js';
import { responses } from './schemas.js';

type Check = { ok: boolean; detail?: string };

async function check(run: () => Promise<string | undefined>): Promise<Check> {
  try {
    const detail = await run();
    return detail === undefined ? { ok: true } : { ok: true, detail };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : 'failed' };
  }
}

const ping = (ctx: ServiceContext, which: 'store' | 'source') => async () => {
  await ctx[which].db.executeQuery(CompiledQuery.raw('SELECT 1 AS ok'));
  return undefined;
};

/** /readyz, /metrics: unauthenticated, for load balancers and Prometheus on the private side. */
export async function registerOpsRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const maxLag = ctx.config.api.readyMaxCaptureLagSeconds;
  registerQueueDepth(() => countPending(ctx.store));

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Ready to serve: store and source reachable, schema current, capture lag below the threshold',
        response: responses(
          {
            200: {
              description: 'Ready',
              type: 'object',
              required: ['status', 'checks'],
              properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: true } },
            },
          },
          [503],
        ),
      },
    },
    async () => {
      const checks: Record<string, Check> = {
        store: await check(ping(ctx, 'store')),
        source: ctx.source === ctx.store ? { ok: true, detail: 'same database as the store' } : await check(ping(ctx, 'source')),
        schema: await check(async () => `version ${(await assertSchemaCurrent(ctx.store)).current}`),
        capture_lag: await check(async () => {
          const lag = await currentCaptureLag();
          if (lag === undefined) return 'capture has not reported in this process';
          if (lag > maxLag) throw new Error(`capture lag ${Math.round(lag)} s is above ${maxLag} s`);
          return `${Math.round(lag)} s`;
        }),
      };
      const failed = Object.entries(checks)
        .filter(([, c]) => !c.ok)
        .map(([name]) => name);
      if (failed.length > 0) throw new ApiError(503, 'not_ready', `not ready: ${failed.join(', ')}`, { checks });
      return { status: 'ready', checks };
    },
  );

  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics', produces: ['text/plain'] } },
    async (_request, reply) => {
      const text = await metricsRegistry.metrics();
      return reply.type(metricsRegistry.contentType).send(text);
    },
  );
}
