import { expect } from 'chai';
import winston from 'winston';
import Transport from 'winston-transport';
import { createApiKey } from '../../src/api/api-keys.js';
import { appendEvents, type NewEvent } from '../../src/outbox/append-events.js';
import { buildHttpApp } from '../../src/service/http-app.js';
import { validateConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import type { ServiceContext } from '../../src/kernel/context.js';
import { describeEachDialect } from '../support/databases.js';

/** Every log line the app writes, as text, to look for keys in. */
class Captured extends Transport {
  readonly lines: string[] = [];
  override log(info: unknown, next: () => void): void {
    this.lines.push(JSON.stringify(info));
    next();
  }
}

interface Portal {
  base: string;
  logs: Captured;
  close(): Promise<void>;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describeEachDialect('admin portal over HTTP: sign-in, sessions, CSRF, headers, input', (suite) => {
  const open: Portal[] = [];

  async function startPortal(config: ConfigInput = {}): Promise<Portal> {
    const logs = new Captured();
    const logger = winston.createLogger({ level: 'debug', transports: [logs] });
    const ctx: ServiceContext = { config: validateConfig(config), logger, store: suite.db, source: suite.db };
    const app = await buildHttpApp(ctx);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const portal = {
      base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      logs,
      close: () => app.close(),
    };
    open.push(portal);
    return portal;
  }

  async function signIn(portal: Portal, key: string): Promise<string> {
    const answer = await fetch(`${portal.base}/admin/login`, { method: 'POST', headers: FORM, body: form({ key }), redirect: 'manual' });
    expect(answer.status).to.equal(303);
    const cookie = answer.headers.get('set-cookie') ?? '';
    return cookie.split(';')[0] as string;
  }

  async function csrfOf(portal: Portal, cookie: string, path: string): Promise<string> {
    const html = await (await fetch(`${portal.base}${path}`, { headers: { cookie } })).text();
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no form token on ${path}`);
    return match[1] as string;
  }

  after(async () => {
    await Promise.all(open.map((p) => p.close()));
  });

  it('counts wrong keys against the admin bucket of the address: 429 with Retry-After once it is empty, even for a right key', async () => {
    const portal = await startPortal({ api: { rateLimits: { admin: { perMinute: 1, burst: 3 } } } });
    const good = (await createApiKey(suite.db, 'limited', ['admin'])).key;
    for (let i = 0; i < 3; i += 1) {
      const answer = await fetch(`${portal.base}/admin/login`, {
        method: 'POST',
        headers: FORM,
        body: form({ key: `obx_${'w'.repeat(44)}` }),
      });
      expect(answer.status).to.equal(401);
      expect(await answer.text()).to.contain('not valid or was revoked');
    }
    const refused = await fetch(`${portal.base}/admin/login`, {
      method: 'POST',
      headers: FORM,
      body: form({ key: good }),
      redirect: 'manual',
    });
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get('retry-after'))).to.be.greaterThan(0);
    expect(await refused.text()).to.contain('Too many requests');
  });

  it('never writes the key to the log, and marks the cookie HttpOnly, SameSite=Strict and, in production, Secure', async () => {
    const portal = await startPortal({ env: 'production' });
    const key = (await createApiKey(suite.db, 'prod admin', ['admin'])).key;
    const answer = await fetch(`${portal.base}/admin/login`, { method: 'POST', headers: FORM, body: form({ key }), redirect: 'manual' });
    expect(answer.status).to.equal(303);
    const cookie = answer.headers.get('set-cookie') ?? '';
    expect(cookie).to.match(/^outbox_admin=[A-Za-z0-9_-]{43};/);
    expect(cookie).to.contain('HttpOnly');
    expect(cookie).to.contain('SameSite=Strict');
    expect(cookie).to.contain('Secure');
    expect(cookie).to.contain('Path=/admin');
    expect(cookie).not.to.contain(key.slice(4));
    await fetch(`${portal.base}/admin/login`, {
      method: 'POST',
      headers: FORM,
      body: form({ key: `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}` }),
    });
    const logged = portal.logs.lines.join('\n');
    expect(logged).to.contain('admin sign-in with key');
    expect(logged).to.contain('admin sign-in refused');
    expect(logged).not.to.contain(key.slice(4, 40));
    const dev = await startPortal();
    const devAnswer = await fetch(`${dev.base}/admin/login`, { method: 'POST', headers: FORM, body: form({ key }), redirect: 'manual' });
    expect(devAnswer.headers.get('set-cookie')).not.to.contain('Secure');
  });

  it('refuses a state change without the form token or from another origin, and changes nothing', async () => {
    const portal = await startPortal();
    const cookie = await signIn(portal, (await createApiKey(suite.db, 'csrf admin', ['admin'])).key);
    const created = await fetch(`${portal.base}/admin/subscriptions`, {
      method: 'POST',
      headers: { ...FORM, cookie },
      body: form({
        url: 'http://127.0.0.1:9/hook',
        types: 'client.created',
        _csrf: await csrfOf(portal, cookie, '/admin/subscriptions/new'),
      }),
    });
    expect(created.status).to.equal(201);
    const row = await suite.db.db
      .selectFrom('integration.WebhookSubscription')
      .select('SubscriptionId')
      .orderBy('SubscriptionId', 'desc')
      .executeTakeFirstOrThrow();
    const id = Number(row.SubscriptionId);
    const token = await csrfOf(portal, cookie, `/admin/subscriptions/${id}`);
    const disable = (headers: Record<string, string>, fields: Record<string, string>) =>
      fetch(`${portal.base}/admin/subscriptions/${id}/disable`, {
        method: 'POST',
        headers: { ...FORM, cookie, ...headers },
        body: form(fields),
        redirect: 'manual',
      });
    const enabled = async () =>
      Boolean(
        (
          await suite.db.db
            .selectFrom('integration.WebhookSubscription')
            .select('Enabled')
            .where('SubscriptionId', '=', id)
            .executeTakeFirstOrThrow()
        ).Enabled,
      );

    expect((await disable({}, {})).status).to.equal(403);
    expect((await disable({}, { _csrf: 'x'.repeat(token.length) })).status).to.equal(403);
    expect((await disable({ origin: 'http://evil.example' }, { _csrf: token })).status).to.equal(403);
    expect((await disable({ referer: 'http://evil.example/page' }, { _csrf: token })).status).to.equal(403);
    expect(await enabled()).to.equal(true);
    const ok = await disable({ origin: portal.base }, { _csrf: token });
    expect(ok.status).to.equal(303);
    expect(await enabled()).to.equal(false);

    const foreignSignIn = await fetch(`${portal.base}/admin/login`, {
      method: 'POST',
      headers: { ...FORM, origin: 'http://evil.example' },
      body: form({ key: 'obx_anything' }),
      redirect: 'manual',
    });
    expect(foreignSignIn.status).to.equal(403);
    expect(foreignSignIn.headers.get('set-cookie')).to.equal(null);

    const noSession = await fetch(`${portal.base}/admin/subscriptions/${id}/enable`, {
      method: 'POST',
      headers: FORM,
      body: form({ _csrf: token }),
      redirect: 'manual',
    });
    expect(noSession.status).to.equal(303);
    expect(noSession.headers.get('location')).to.equal('/admin/login');
    expect(await enabled()).to.equal(false);
  });

  it('serves every page with a CSP that allows no inline script or style, and pages with neither', async () => {
    const portal = await startPortal();
    const cookie = await signIn(portal, (await createApiKey(suite.db, 'csp admin', ['admin'])).key);
    for (const path of [
      '/admin/login',
      '/admin',
      '/admin/subscriptions',
      '/admin/subscriptions/new',
      '/admin/events',
      '/admin/deliveries',
    ]) {
      const answer = await fetch(`${portal.base}${path}`, { headers: { cookie } });
      expect(answer.status, path).to.equal(200);
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect(csp, path).to.contain("script-src 'self'");
      expect(csp, path).to.contain("frame-ancestors 'none'");
      expect(csp, path).not.to.contain('unsafe-inline');
      expect(answer.headers.get('cache-control'), path).to.equal('no-store');
      const html = await answer.text();
      expect(html, path).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, path).not.to.match(/\sstyle="/);
      expect(html, path).not.to.match(/\son[a-z]+="/);
    }
  });

  it('answers bad input with 400 and a message naming the field, and stores nothing', async () => {
    const portal = await startPortal();
    const cookie = await signIn(portal, (await createApiKey(suite.db, 'input admin', ['admin'])).key);
    const cases: [string, string][] = [
      ['/admin/deliveries?status=abc', 'HTTP status must be'],
      ['/admin/deliveries?outcome=lost', 'Outcome must be one of'],
      ['/admin/deliveries?subscription=-1', 'Subscription id must be'],
      ['/admin/events?from=yesterday', 'From must be a date and time'],
      ['/admin/events?type=client.deleted', 'Type must be one of'],
    ];
    for (const [path, message] of cases) {
      const answer = await fetch(`${portal.base}${path}`, { headers: { cookie } });
      expect(answer.status, path).to.equal(400);
      expect(await answer.text(), path).to.contain(message);
    }
    const before = await suite.db.db.selectFrom('integration.WebhookSubscription').select('SubscriptionId').execute();
    const token = await csrfOf(portal, cookie, '/admin/subscriptions/new');
    for (const [fields, message] of [
      [{ url: 'ftp://example.com/x', types: 'client.created' }, 'Endpoint URL'],
      [{ url: 'http://127.0.0.1:9/x' }, 'Event types: pick at least one'],
      [{ url: 'http://127.0.0.1:9/x', types: 'client.deleted' }, 'unknown event type client.deleted'],
      [{ url: 'http://127.0.0.1:9/x', types: 'client.created', description: 'nul \u0000 here' }, 'Description must not contain U+0000'],
    ] as const) {
      const answer = await fetch(`${portal.base}/admin/subscriptions`, {
        method: 'POST',
        headers: { ...FORM, cookie },
        body: form({ ...fields, _csrf: token }),
      });
      expect(answer.status).to.equal(400);
      expect(await answer.text()).to.contain(message);
    }
    expect(await suite.db.db.selectFrom('integration.WebhookSubscription').select('SubscriptionId').execute()).to.deep.equal(before);
    const missing = await fetch(`${portal.base}/admin/events/999999`, { headers: { cookie } });
    expect(missing.status).to.equal(404);
    expect(await missing.text()).not.to.match(/at .*\.js:\d+/);
  });

  it('ends the sessions of a revoked key at once', async () => {
    const portal = await startPortal();
    const created = await createApiKey(suite.db, 'soon revoked', ['admin']);
    const cookie = await signIn(portal, created.key);
    expect((await fetch(`${portal.base}/admin`, { headers: { cookie }, redirect: 'manual' })).status).to.equal(200);
    await suite.db.db.updateTable('integration.ApiKey').set({ RevokedUtc: new Date() }).where('ApiKeyId', '=', created.id).execute();
    const after = await fetch(`${portal.base}/admin`, { headers: { cookie }, redirect: 'manual' });
    expect(after.status).to.equal(303);
    expect(after.headers.get('location')).to.equal('/admin/login?expired=1');
  });

  it('pages through events with keyset links, each row once, newest first by id, or by time within a range', async () => {
    const portal = await startPortal();
    const cookie = await signIn(portal, (await createApiKey(suite.db, 'paging admin', ['admin'])).key);
    const start = Date.parse('2026-03-01T00:00:00Z');
    // Times out of id order, several events per second: the time order differs from the key order.
    const events: NewEvent[] = Array.from({ length: 130 }, (_, i) => ({
      type: 'lead.created',
      sourceKey: `dbo.Client:paging-${i}`,
      createdUtc: new Date(start + ((i * 37) % 130) * 500),
      payload: { i },
      metadata: {},
    }));
    await suite.db.db.transaction().execute((trx) => appendEvents(trx, suite.db.dialect, 1, events));
    const ids = (
      await suite.db.db.selectFrom('integration.OutboxEvent').select('EventId').where('SourceKey', 'like', 'dbo.Client:paging-%').execute()
    ).map((r) => Number(r.EventId));

    async function walk(first: string): Promise<number[]> {
      const seen: number[] = [];
      let next: string | null = first;
      for (let pages = 0; next && pages < 10; pages += 1) {
        const html = await (await fetch(`${portal.base}${next}`, { headers: { cookie } })).text();
        seen.push(...[...html.matchAll(/href="\/admin\/events\/(\d+)"/g)].map((m) => Number(m[1])));
        const link = /<a href="([^"]+)" rel="next">/.exec(html);
        next = link ? (link[1] as string).replace(/&amp;/g, '&') : null;
      }
      return seen;
    }
    const byKey = await walk('/admin/events?type=lead.created');
    expect(byKey).to.deep.equal([...ids].sort((a, b) => b - a));
    const byTime = await walk('/admin/events?type=lead.created&from=2026-03-01T00:00&to=2026-03-02T00:00');
    expect([...byTime].sort((a, b) => a - b)).to.deep.equal([...ids].sort((a, b) => a - b));
    const createdOf = new Map(events.map((e, i) => [ids[i], e.createdUtc.getTime()]));
    const times = byTime.map((id) => createdOf.get(id) as number);
    expect(times).to.deep.equal([...times].sort((a, b) => b - a));
    const partial = await walk('/admin/events?type=lead.created&from=2026-03-01T00:00:10&to=2026-03-01T00:00:20');
    expect(partial).to.have.length(
      events.filter((e) => e.createdUtc.getTime() >= start + 10_000 && e.createdUtc.getTime() < start + 20_000).length,
    );
  });

  it('keeps a domain wildcard made through the API when the subscription is edited in the portal', async () => {
    const portal = await startPortal();
    const cookie = await signIn(portal, (await createApiKey(suite.db, 'edit admin', ['admin'])).key);
    const id = await suite.db.dialect.insertReturningId(
      suite.db.db,
      'integration.WebhookSubscription',
      { Url: 'http://127.0.0.1:9/a', EventTypes: 'client.*,payment.failed', Secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
      'SubscriptionId',
    );
    const html = await (await fetch(`${portal.base}/admin/subscriptions/${id}`, { headers: { cookie } })).text();
    const checked = [...html.matchAll(/<input[^>]*name="types" value="([^"]+)"[^>]*checked/g)].map((m) => m[1]);
    expect(checked).to.deep.equal(['client.*', 'payment.failed']);
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const body = new URLSearchParams({ url: 'http://127.0.0.1:9/b', description: 'edited', _csrf: token });
    for (const type of checked) body.append('types', type as string);
    const saved = await fetch(`${portal.base}/admin/subscriptions/${id}`, {
      method: 'POST',
      headers: { ...FORM, cookie },
      body: body.toString(),
      redirect: 'manual',
    });
    expect(saved.status).to.equal(303);
    const row = await suite.db.db
      .selectFrom('integration.WebhookSubscription')
      .select(['Url', 'EventTypes', 'Description'])
      .where('SubscriptionId', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).to.deep.equal({ Url: 'http://127.0.0.1:9/b', EventTypes: 'client.*,payment.failed', Description: 'edited' });
  });
});
