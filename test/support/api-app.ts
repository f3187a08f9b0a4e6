import type { FastifyInstance } from 'fastify';
import { createApiKey, type Scope } from '../../src/api/api-keys.js';
import { buildHttpApp, type HttpAppOptions } from '../../src/service/http-app.js';
import { validateConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import type { Database } from '../../src/db/connect.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { ServiceContext } from '../../src/kernel/context.js';

export interface RunningApi {
  app: FastifyInstance;
  base: string;
  ctx: ServiceContext;
  close(): Promise<void>;
}

/** The HTTP app on a real socket: 127.0.0.1, an ephemeral port. */
export async function startApi(
  store: Database,
  config: ConfigInput = {},
  options: HttpAppOptions = {},
  source: Database = store,
): Promise<RunningApi> {
  const ctx: ServiceContext = { config: validateConfig(config), logger: silentLogger(), store, source };
  const app = await buildHttpApp(ctx, options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, base: `http://127.0.0.1:${port}`, ctx, close: () => app.close() };
}

export async function keyWith(store: Database, ...scopes: Scope[]): Promise<string> {
  return (await createApiKey(store, `test ${scopes.join(' ')}`, scopes)).key;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export async function call(
  base: string,
  method: string,
  path: string,
  key?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}
