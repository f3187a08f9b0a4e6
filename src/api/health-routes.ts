import type { FastifyInstance } from 'fastify';
import { version } from '../version.js';
import type { ServiceContext } from '../kernel/context.js';

export async function registerHealthRoutes(app: FastifyInstance, _ctx: ServiceContext): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Alive: the process answers (no database is asked)',
        response: {
          200: {
            description: 'Alive',
            type: 'object',
            required: ['status', 'version'],
            properties: { status: { type: 'string' }, version: { type: 'string' } },
          },
        },
      },
    },
    async () => ({ status: 'ok', version }),
  );
}
