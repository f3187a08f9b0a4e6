import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateDecision } from '../api/rate-limit.js';
import { type PortalDeps, sendPage } from './pages.js';
import { SessionStore } from './sessions.js';
import { LoginPage, ProblemPage } from './views/auth-pages.js';
import { registerLogPages } from './log-routes.js';
import { registerOverviewPage } from './overview-route.js';
import { registerSubscriptionPages } from './subscription-routes.js';

export const COOKIE = 'outbox_admin';

// No inline script or style anywhere: every script and stylesheet is a file served below.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const ASSETS_DIR = new URL('../../../src/admin/assets/', import.meta.url);
const ASSETS: Record<string, { type: string; body: string }> = {
  'portal.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('portal.css', ASSETS_DIR), 'utf8') },
  'portal.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('portal.js', ASSETS_DIR), 'utf8') },
};

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Whether a browser's Origin or Referer names the host this request was sent to. The scheme is
 * left out: behind a proxy that ends TLS the service sees http while the browser says https.
 */
function sameHost(url: string, request: FastifyRequest): boolean {
  try {
    return new URL(url).host === request.host;
  } catch {
    return false;
  }
}

/**
 * A POST from another site: an Origin (or, lacking one, a Referer) that is not this service's.
 * SameSite=Strict already keeps the cookie off such requests; this is the second lock.
 */
function crossSite(request: FastifyRequest): boolean {
  const origin = request.headers.origin ?? request.headers.referer;
  return origin !== undefined && !sameHost(origin, request);
}

function refuseRate(reply: FastifyReply, decision: RateDecision): FastifyReply {
  reply.header('Retry-After', String(decision.retryAfterSeconds));
  return sendPage(
    reply,
    <ProblemPage
      title="Too many requests"
      message={`Too many requests in a short time. Try again in ${decision.retryAfterSeconds} seconds.`}
    />,
    429,
  );
}

/**
 * The admin portal at /admin, in the service's own HTTP server: server-rendered pages (Preact
 * to a string; every value is escaped by the renderer), forms that work without script, a
 * server-side session in the store.
 */
export async function registerAdminPortal(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  const sessions = new SessionStore(deps.store, { idleMs: deps.sessionIdleMinutes * 60_000, now: deps.now });
  const secure = deps.env === 'production';

  await app.register(
    async (portal) => {
      // The portal's pages are not part of the integration API: kept out of its OpenAPI document.
      portal.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, hide: true };
      });
      await portal.register(cookie);
      await portal.register(formbody, { bodyLimit: 64 * 1024 });

      portal.addHook('onRequest', async (_request, reply) => {
        reply.header('Content-Security-Policy', CSP);
        reply.header('X-Content-Type-Options', 'nosniff');
        reply.header('X-Frame-Options', 'DENY');
        reply.header('Referrer-Policy', 'same-origin');
      });

      portal.setErrorHandler((error: { statusCode?: number; validation?: unknown }, request, reply) => {
        const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
        if (status === 500) {
          deps.logger.error(`admin portal error in ${request.method} ${request.routeOptions.url ?? ''}: ${(error as Error).message}`, {
            component: 'admin',
          });
        }
        return sendPage(
          reply,
          <ProblemPage
            title={status === 500 ? 'Something went wrong' : 'That request could not be read'}
            message={
              status === 500 ? 'The service could not complete the request; its log has the details.' : 'Check the form and try again.'
            }
          />,
          status,
        );
      });
      portal.setNotFoundHandler((_request, reply) =>
        sendPage(reply, <ProblemPage title="Not found" message="There is no such page, or what it showed no longer exists." />, 404),
      );

      portal.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
        const asset = ASSETS[request.params.name];
        if (!asset) return reply.callNotFound();
        return reply.type(asset.type).header('Cache-Control', 'no-cache').send(asset.body);
      });

      // Every page but sign-in needs a live session; every POST its form token from this origin.
      portal.addHook('preHandler', async (request, reply) => {
        const path = request.routeOptions.url ?? '';
        if (path === '/admin/assets/:name' || path === '/admin/login') {
          if (request.method === 'POST' && crossSite(request)) return sendForbidden(reply);
          return;
        }
        const token = request.cookies[COOKIE];
        const session = token === undefined ? undefined : await sessions.find(token);
        if (!session) {
          if (token !== undefined) reply.clearCookie(COOKIE, { path: '/admin' });
          return reply.code(303).redirect(token === undefined ? '/admin/login' : '/admin/login?expired=1');
        }
        const decision = deps.takeToken(String(session.apiKeyId), 'admin');
        if (!decision.allowed) return refuseRate(reply, decision);
        if (request.method === 'POST') {
          const sent = (request.body as Record<string, unknown> | undefined)?.['_csrf'];
          if (crossSite(request) || typeof sent !== 'string' || !sameText(sent, session.csrfToken)) return sendForbidden(reply);
        }
        request.adminSession = session;
      });

      portal.get<{ Querystring: { expired?: string } }>('/login', async (request, reply) =>
        sendPage(reply, <LoginPage expired={request.query.expired === '1'} />),
      );

      portal.post<{ Body: { key?: unknown } }>('/login', async (request, reply) => {
        // Counted per client address before the key is looked at: wrong keys use up the bucket.
        const decision = deps.takeToken(`sign-in ${request.ip}`, 'admin');
        if (!decision.allowed) {
          deps.logger.warn(`admin sign-in refused from ${request.ip}: too many attempts`, { component: 'admin' });
          return refuseRate(reply, decision);
        }
        const presented = typeof request.body?.key === 'string' ? request.body.key.trim() : '';
        if (presented === '') return sendPage(reply, <LoginPage error="Enter an API key." />, 400);
        const key = await deps.verifyKey(presented);
        if (!key || !deps.hasScope(key, 'admin')) {
          deps.logger.warn(
            `admin sign-in refused from ${request.ip}: ${key ? `key ${key.id} lacks the admin scope` : 'unknown or revoked key'}`,
            {
              component: 'admin',
            },
          );
          return sendPage(
            reply,
            <LoginPage error={key ? 'That API key does not have the admin scope.' : 'That API key is not valid or was revoked.'} />,
            401,
          );
        }
        const { token } = await sessions.open(key.id);
        deps.logger.info(`admin sign-in with key ${key.id} from ${request.ip}`, { component: 'admin' });
        reply.setCookie(COOKIE, token, { path: '/admin', httpOnly: true, sameSite: 'strict', secure });
        return reply.code(303).redirect('/admin');
      });

      portal.post('/logout', async (request, reply) => {
        const token = request.cookies[COOKIE];
        if (token !== undefined) await sessions.close(token);
        reply.clearCookie(COOKIE, { path: '/admin', httpOnly: true, sameSite: 'strict', secure });
        return reply.code(303).redirect('/admin/login?expired=1');
      });

      registerOverviewPage(portal, deps);
      registerSubscriptionPages(portal, deps);
      registerLogPages(portal, deps);
    },
    { prefix: '/admin' },
  );
}

function sendForbidden(reply: FastifyReply): FastifyReply {
  return sendPage(
    reply,
    <ProblemPage
      title="Request refused"
      message="The form was sent from another site or had expired. Open the page again and resend it."
    />,
    403,
  );
}
