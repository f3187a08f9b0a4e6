import type { FastifyInstance } from 'fastify';
import { version } from '../version.js';
import type { ServiceContext } from '../service/context.js';

export async function registerHealthRoutes(app: FastifyInstance, _ctx: ServiceContext): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok', version }));
}
