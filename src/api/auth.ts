import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/connect.js';
import { hashKey, type Scope, touchApiKey, verifyApiKey, type VerifiedKey } from './api-keys.js';
import { ApiError } from './errors.js';
import type { RateLimiter } from './rate-limit.js';

export type RateBucket = 'read' | 'write' | 'admin';

/** The bucket of `AuthOptions.addressLimiter`: lookups of keys not in the cache, per client address. */
export const FAILED_AUTH_BUCKET = 'failedAuth';

/** Set on a route's `config` to require a key: the scope it needs and the bucket it counts in. */
export interface AccessConfig {
  scope?: Scope;
  bucket?: RateBucket;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: VerifiedKey;
  }
  interface FastifyContextConfig {
    scope?: Scope;
    bucket?: RateBucket;
  }
}

export interface AuthOptions {
  store: Database;
  limiter: RateLimiter;
  keyCacheMs: number;
  /** Counts key lookups per client address in its bucket FAILED_AUTH_BUCKET. */
  addressLimiter: RateLimiter;
  now?: () => number;
}

/** `admin` holds every scope. */
export function hasScope(key: VerifiedKey, scope: Scope): boolean {
  return key.scopes.includes(scope) || key.scopes.includes('admin');
}

/**
 * Bearer authentication, scope checks and rate limits, before the body is read: a caller
 * without a key learns nothing about the request's shape, and a refused request costs no parse.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  const now = options.now ?? Date.now;
  // Valid keys only: unknown ones, however many, cannot push them out.
  const cache = new Map<string, { key: VerifiedKey; until: number }>();

  async function authenticate(request: FastifyRequest): Promise<VerifiedKey> {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new ApiError(401, 'unauthorized', 'send an API key as Authorization: Bearer <key>', undefined, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    const presented = match[1] as string;
    const cacheId = hashKey(presented);
    const cached = cache.get(cacheId);
    let key: VerifiedKey | undefined;
    if (cached && cached.until > now()) {
      key = cached.key;
    } else {
      // Every lookup costs the address a token before the store is asked; a valid key gives it
      // back, so only failures add up.
      const address = request.ip;
      const decision = options.addressLimiter.take(address, FAILED_AUTH_BUCKET);
      if (!decision.allowed) {
        throw new ApiError(
          429,
          'rate_limited',
          `too many requests with an invalid API key from this address; retry after ${decision.retryAfterSeconds} s`,
          undefined,
          { 'Retry-After': String(decision.retryAfterSeconds) },
        );
      }
      key = await verifyApiKey(options.store, presented);
      if (key) {
        options.addressLimiter.giveBack(address, FAILED_AUTH_BUCKET);
        await touchApiKey(options.store, key.id, new Date(now()));
        if (options.keyCacheMs > 0) {
          for (const [id, entry] of cache) if (entry.until <= now()) cache.delete(id);
          cache.set(cacheId, { key, until: now() + options.keyCacheMs });
        }
      }
    }
    if (!key) {
      throw new ApiError(401, 'unauthorized', 'the API key is not valid or was revoked', undefined, {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    }
    return key;
  }

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config as AccessConfig | undefined;
    if (!access?.scope) return;
    const key = await authenticate(request);
    if (!hasScope(key, access.scope)) {
      throw new ApiError(403, 'forbidden', `this API key lacks the scope ${access.scope}`, {
        required_scope: access.scope,
        key_scopes: key.scopes,
      });
    }
    request.apiKey = key;
    const decision = options.limiter.take(String(key.id), access.bucket ?? 'read');
    reply.header('RateLimit-Limit', String(decision.limit));
    reply.header('RateLimit-Remaining', String(decision.remaining));
    reply.header('RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      throw new ApiError(
        429,
        'rate_limited',
        `too many ${access.bucket ?? 'read'} requests for this API key; retry after ${decision.retryAfterSeconds} s`,
        undefined,
        {
          'Retry-After': String(decision.retryAfterSeconds),
        },
      );
    }
  });
}
