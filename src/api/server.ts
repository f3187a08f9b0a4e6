import Fastify, { type FastifyInstance } from 'fastify';
import type { Component } from '../service/component.js';
import type { ServiceContext } from '../service/context.js';
import { registerHealthRoutes } from './health-routes.js';

/** Builds the HTTP application without listening, so tests can inject or listen themselves. */
export async function buildHttpApp(ctx: ServiceContext): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  await registerHealthRoutes(app, ctx);
  return app;
}

export class HttpServer implements Component {
  readonly name = 'http';
  #app: FastifyInstance | undefined;
  #address: string | undefined;

  constructor(private readonly ctx: ServiceContext) {}

  get address(): string | undefined {
    return this.#address;
  }

  async start(): Promise<void> {
    this.#app = await buildHttpApp(this.ctx);
    const { host, port } = this.ctx.config.http;
    await this.#app.listen({ host, port });
    const bound = this.#app.server.address();
    const actualPort = typeof bound === 'object' && bound ? bound.port : port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    this.#address = `http://${shownHost}:${actualPort}`;
    this.ctx.logger.info(`HTTP server listening on ${this.#address}`, { component: this.name });
  }

  async stop(): Promise<void> {
    await this.#app?.close();
  }
}
