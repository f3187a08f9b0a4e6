import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { appendEvents } from '../../src/outbox/append-events.js';
import { catalogEntry } from '../../src/outbox/event-catalog/index.js';
import { type ReceivedRequest, Receiver } from '../support/receiver.js';
import { call, keyWith, type RunningApi, startApi } from '../support/api-app.js';
import { describeEachDialect } from '../support/databases.js';
import { testDispatcher } from '../support/dispatcher.js';
import { responseProblems } from '../support/openapi-check.js';

const BASE = '/api/v1/webhooks/subscriptions';
const OWN_SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
/** A resolver for production-mode checks: this machine has no outside DNS. */
const fakeDns = async (host: string) => [{ address: host === 'intranet.example.com' ? '10.0.0.8' : '93.184.215.14', family: 4 }];

describeEachDialect('integration API: webhook subscriptions (REST Hooks)', (suite) => {
  let api: RunningApi;
  let doc: Parameters<typeof responseProblems>[0];
  let writer: string;
  let reader: string;
  let events: string;

  const checked = async (
    method: string,
    documented: string,
    path: string,
    key?: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => {
    const answer = await call(api.base, method, path, key, body, headers);
    expect(
      responseProblems(doc, method, documented, answer.status, answer.body),
      `${method} ${path} ${answer.status} ${answer.text}`,
    ).to.deep.equal([]);
    return answer;
  };
  const stored = () =>
    suite.db.db
      .selectFrom('integration.WebhookSubscription')
      .select(['SubscriptionId', 'Url', 'EventTypes', 'Enabled', 'Secret', 'Description'])
      .orderBy('SubscriptionId')
      .execute();

  before(async () => {
    api = await startApi(suite.db, {
      api: { keyCacheMs: 0, rateLimits: { read: { perMinute: 60000, burst: 10000 }, write: { perMinute: 60000, burst: 10000 } } },
    });
    writer = await keyWith(suite.db, 'integrations:write', 'integrations:read', 'events:read');
    reader = await keyWith(suite.db, 'integrations:read');
    events = await keyWith(suite.db, 'events:read');
    doc = (await SwaggerParser.dereference((await call(api.base, 'GET', '/api/v1/openapi.json')).body)) as unknown as typeof doc;
  });

  after(async () => {
    await api?.close();
  });

  it('creates a subscription: 201, the id, lowercase types and the secret shown once', async () => {
    const created = await checked('POST', BASE, BASE, writer, {
      url: 'https://hooks.example.com/a',
      event_types: ['Client.Created', 'payment.*'],
      description: 'crm to sheet',
    });
    expect(created.status).to.equal(201);
    expect(created.body).to.deep.include({
      url: 'https://hooks.example.com/a',
      event_types: ['client.created', 'payment.*'],
      enabled: true,
      description: 'crm to sheet',
    });
    expect(created.body.secret).to.match(/^whsec_/);
    expect(created.headers.get('location')).to.equal(`${BASE}/${created.body.id}`);
    const again = await checked('GET', `${BASE}/{id}`, `${BASE}/${created.body.id}`, writer);
    expect(again.status).to.equal(200);
    expect(again.body).to.not.have.property('secret');
    expect(again.body.event_types).to.deep.equal(['client.created', 'payment.*']);
    const withSecret = await checked('POST', BASE, BASE, writer, {
      url: 'http://localhost:9/dev',
      event_types: ['*'],
      secret: OWN_SECRET,
      enabled: false,
    });
    expect(withSecret.body).to.deep.include({ secret: OWN_SECRET, enabled: false });
  });

  it('refuses bad input with 4xx and the error body, and stores nothing', async () => {
    const before = await stored();
    const cases: [unknown, number, string, Record<string, string>?][] = [
      [{ url: 'https://a.example', event_types: ['client.created'], colour: 'red' }, 400, 'body.colour'],
      [{ url: 'https://a.example' }, 400, 'body.event_types'],
      [{ url: 'https://a.example', event_types: 'client.created' }, 400, 'body.event_types'],
      [{ url: 'https://a.example', event_types: [] }, 400, 'body.event_types'],
      [{ url: 'https://a.example', event_types: ['client.exploded'] }, 400, 'body.event_types'],
      [{ url: 'not a url', event_types: ['client.created'] }, 400, 'body.url'],
      [{ url: 'ftp://a.example/x', event_types: ['client.created'] }, 400, 'body.url'],
      [{ url: 'https://a.example', event_types: ['client.created'], enabled: 'yes' }, 400, 'body.enabled'],
      [{ url: 'https://a.example', event_types: ['client.created'], secret: 'my-own-secret-of-16+' }, 400, 'body.secret'],
      [{ url: 'https://a.example', event_types: ['client.created'], secret: 'whsec_c2hvcnQ=' }, 400, 'body.secret'],
      // Text the store cannot keep as sent: a NUL (PostgreSQL refuses it), a lone surrogate.
      [{ url: 'https://a.example/\u0000', event_types: ['client.created'] }, 400, 'body.url'],
      [{ url: 'https://a.example/\uD83D', event_types: ['client.created'] }, 400, 'body.url'],
      [{ url: 'https://a.example', event_types: ['client.created'], description: 'a\u0000b' }, 400, 'body.description'],
      [{ url: 'https://a.example', event_types: ['client.created'], description: 'half \uDE00' }, 400, 'body.description'],
      // Longer than the column in UTF-16 units, as SQL Server's nvarchar counts them, though not in characters.
      [{ url: 'https://a.example', event_types: ['client.created'], description: '😀'.repeat(300) }, 400, 'body.description'],
      [{ url: `https://a.example/${'😀'.repeat(1100)}`, event_types: ['client.created'] }, 400, 'body.url'],
      ['{"url": "https://a.example", "event_types": [', 400, 'invalid_json'],
      ['', 400, 'invalid_json'],
      ['url=x', 415, 'unsupported_media_type', { 'content-type': 'application/x-www-form-urlencoded' }],
      [
        JSON.stringify({ url: 'https://a.example', event_types: ['client.created'], description: 'x'.repeat(1024 * 1024 + 10) }),
        413,
        'payload_too_large',
      ],
    ];
    for (const [body, status, mention, headers] of cases) {
      const answer = await checked('POST', BASE, BASE, writer, body, headers);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).to.equal(status);
      expect(JSON.stringify(answer.body.error), String(body).slice(0, 60)).to.include(mention);
    }
    expect(await stored()).to.deep.equal(before);
  });

  it('never answers 500 to garbage, on any route', async () => {
    const before = await stored();
    const admin = await keyWith(suite.db, 'admin');
    const paths = [
      '/api/v1/events',
      '/api/v1/events/1',
      BASE,
      `${BASE}/999999`,
      `${BASE}/999999/test`,
      `${BASE}/999999/deliveries`,
      '/api/v1/deliveries/1/attempts',
    ];
    const garbage = [
      'null',
      '[]',
      '"x"',
      '{"url":null,"event_types":[null]}',
      '{"__proto__":{"admin":true}}',
      '\u0000',
      '{"event_types":["*"],"url":"https://a.example","enabled":null}',
    ];
    const queries = ['?limit=-1', '?cursor=', '?type=', '?type=%00', '?limit=1e3', '?id=1&id=2', '?cursor=AAAA'];
    for (const path of [...paths, '/api/v1/events/-1', '/api/v1/events/1.5', `${BASE}/99999999999999999999`]) {
      for (const method of ['GET', 'POST', 'PATCH', 'DELETE', 'PUT']) {
        for (const body of method === 'GET' ? [undefined] : [undefined, ...garbage]) {
          const answer = await call(api.base, method, path, admin, body);
          expect(answer.status, `${method} ${path} ${body}`).to.be.below(500);
          if (answer.status >= 400) expect(answer.body.error.code, `${method} ${path} ${body}`).to.be.a('string');
        }
      }
      for (const query of queries) {
        const answer = await call(api.base, 'GET', `${path}${query}`, admin);
        expect(answer.status, `GET ${path}${query}`).to.be.below(500);
      }
    }
    const left = (await stored()).filter((s) => !before.some((b) => b.SubscriptionId === s.SubscriptionId));
    // Only well-formed creates may have added rows; garbage added none.
    expect(left.every((s) => s.Url === 'https://a.example')).to.equal(true);
  });

  it('refuses http, private and loopback targets in production', async () => {
    const production = await startApi(suite.db, { env: 'production', api: { keyCacheMs: 0 } }, { lookup: fakeDns });
    try {
      for (const url of [
        'http://hooks.example.com/a',
        'https://127.0.0.1/a',
        'https://10.1.2.3/a',
        'https://[::1]/a',
        'https://localhost/a',
        'https://192.168.0.4/a',
        // A public-looking name that resolves to a private address: the resolver-based check.
        'https://intranet.example.com/a',
      ]) {
        const answer = await call(production.base, 'POST', BASE, writer, { url, event_types: ['client.created'] });
        expect(answer.status, url).to.equal(400);
        expect(answer.body.error.code, url).to.equal('invalid_url');
        // A refusal says the address is private, not what an internal name resolves to.
        expect(answer.text, url).not.to.contain('10.0.0.8');
      }
      expect(
        (await call(production.base, 'POST', BASE, writer, { url: 'https://hooks.example.com/p', event_types: ['client.created'] })).status,
      ).to.equal(201);
    } finally {
      await production.close();
    }
  });

  it('pages the list with an opaque cursor', async () => {
    for (let i = 0; i < 3; i += 1)
      await call(api.base, 'POST', BASE, writer, { url: `https://list.example/${i}`, event_types: ['lead.created'] });
    const all = (await stored()).map((s) => Number(s.SubscriptionId));
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const answer = await checked('GET', BASE, `${BASE}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, writer);
      expect(answer.status).to.equal(200);
      seen.push(...answer.body.data.map((s: { id: number }) => s.id));
      cursor = answer.body.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).to.deep.equal(all);
    expect((await checked('GET', BASE, `${BASE}?cursor=zzz`, writer)).status).to.equal(400);
  });

  it('patches: disable, enable, change url and types, rotate the secret; a bad field changes nothing', async () => {
    const id = (await call(api.base, 'POST', BASE, writer, { url: 'https://p.example/a', event_types: ['lead.created'] })).body
      .id as number;
    const disabled = await checked('PATCH', `${BASE}/{id}`, `${BASE}/${id}`, writer, { enabled: false });
    expect(disabled.status).to.equal(200);
    expect(disabled.body.enabled).to.equal(false);
    const changed = await checked('PATCH', `${BASE}/{id}`, `${BASE}/${id}`, writer, {
      enabled: true,
      url: 'https://p.example/b',
      event_types: ['INVOICE.*'],
    });
    expect(changed.body).to.deep.include({ enabled: true, url: 'https://p.example/b', event_types: ['invoice.*'] });
    expect(changed.body).to.not.have.property('secret');
    const secretBefore = (await stored()).find((s) => Number(s.SubscriptionId) === id)?.Secret;
    const rotated = await checked('PATCH', `${BASE}/{id}`, `${BASE}/${id}`, writer, { rotate_secret: true });
    expect(rotated.body.secret)
      .to.match(/^whsec_/)
      .and.not.equal(secretBefore);
    const snapshot = await stored();
    for (const body of [
      {},
      { enabled: 'no' },
      { url: 'https://p.example/c', event_types: ['nope.nope'] },
      { url: 'mailto:x@y' },
      { secret: 'new-one-of-16-chars' },
      { url: 'https://p.example/\u0000' },
      { description: 'nul \u0000' },
      { description: 'half \uD83D', enabled: false },
    ]) {
      const answer = await checked('PATCH', `${BASE}/{id}`, `${BASE}/${id}`, writer, body);
      expect(answer.status, JSON.stringify(body)).to.equal(400);
    }
    expect(await stored()).to.deep.equal(snapshot);
    expect((await checked('PATCH', `${BASE}/{id}`, `${BASE}/999999`, writer, { enabled: false })).status).to.equal(404);
  });

  it('needs integrations:write to change and integrations:read to look', async () => {
    expect((await checked('POST', BASE, BASE, reader, { url: 'https://x.example', event_types: ['*'] })).status).to.equal(403);
    expect((await checked('GET', BASE, BASE, events)).status).to.equal(403);
    expect((await checked('DELETE', `${BASE}/{id}`, `${BASE}/1`, reader)).status).to.equal(403);
    expect((await checked('GET', BASE, BASE)).status).to.equal(401);
  });

  it('a subscription belongs to the key that created it: other keys neither see nor change it, admin keys do', async () => {
    const alice = await keyWith(suite.db, 'integrations:write', 'integrations:read', 'events:read');
    const bob = await keyWith(suite.db, 'integrations:write', 'integrations:read', 'events:read');
    const admin = await keyWith(suite.db, 'admin');
    const created = await checked('POST', BASE, BASE, alice, { url: 'https://alice.example/hook', event_types: ['client.created'] });
    expect(created.status).to.equal(201);
    const id = created.body.id as number;
    await suite.db.db.transaction().execute((trx) =>
      appendEvents(trx, suite.db.dialect, 7, [
        {
          type: 'client.created',
          sourceKey: `own:${id}`,
          createdUtc: new Date(),
          payload: { ...catalogEntry('client.created').sample.payload, n: id },
          metadata: {},
        },
      ]),
    );
    const delivery = await suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .select('DeliveryId')
      .where('SubscriptionId', '=', id)
      .executeTakeFirstOrThrow();
    const snapshot = await stored();
    // Bob's key: the same 404 as for an id that does not exist, on every route.
    const one = `${BASE}/${id}`;
    expect((await checked('GET', `${BASE}/{id}`, one, bob)).status).to.equal(404);
    expect((await checked('PATCH', `${BASE}/{id}`, one, bob, { url: 'https://bob.example/steal' })).status).to.equal(404);
    expect((await checked('PATCH', `${BASE}/{id}`, one, bob, { enabled: false })).status).to.equal(404);
    expect((await checked('DELETE', `${BASE}/{id}`, one, bob)).status).to.equal(404);
    expect((await checked('POST', `${BASE}/{id}/test`, `${one}/test`, bob)).status).to.equal(404);
    expect((await checked('GET', `${BASE}/{id}/deliveries`, `${one}/deliveries`, bob)).status).to.equal(404);
    const attemptsPath = `/api/v1/deliveries/${delivery.DeliveryId}/attempts`;
    expect((await checked('GET', '/api/v1/deliveries/{id}/attempts', attemptsPath, bob)).status).to.equal(404);
    const bobList = await checked('GET', BASE, `${BASE}?limit=100`, bob);
    expect(bobList.body.data.map((s: { id: number }) => s.id)).to.not.include(id);
    expect(await stored()).to.deep.equal(snapshot);
    // Alice's key and an admin key see it.
    expect((await checked('GET', `${BASE}/{id}`, one, alice)).status).to.equal(200);
    expect((await checked('GET', '/api/v1/deliveries/{id}/attempts', attemptsPath, alice)).status).to.equal(200);
    expect((await checked('GET', BASE, `${BASE}?limit=100`, alice)).body.data.map((s: { id: number }) => s.id)).to.include(id);
    expect((await checked('GET', BASE, `${BASE}?limit=100`, admin)).body.data.map((s: { id: number }) => s.id)).to.include(id);
    expect((await checked('PATCH', `${BASE}/{id}`, one, admin, { description: 'seen by the operator' })).status).to.equal(200);
    expect((await checked('DELETE', `${BASE}/{id}`, one, alice)).status).to.equal(204);
  });

  it('subscribing needs events:read besides integrations:write', async () => {
    const writeOnly = await keyWith(suite.db, 'integrations:write');
    const before = await stored();
    const refused = await checked('POST', BASE, BASE, writeOnly, { url: 'https://w.example/hook', event_types: ['*'] });
    expect(refused.status).to.equal(403);
    expect(refused.body.error.details.required_scope).to.equal('events:read');
    expect(await stored()).to.deep.equal(before);
  });

  it('sends a signed test event to the endpoint: 202 with what it answered', async () => {
    const receiver = await Receiver.start();
    try {
      const created = await call(api.base, 'POST', BASE, writer, {
        url: `${receiver.url}/t`,
        event_types: ['payment.failed'],
        secret: OWN_SECRET,
      });
      const id = created.body.id as number;
      const answer = await checked('POST', `${BASE}/{id}/test`, `${BASE}/${id}/test`, writer);
      expect(answer.status).to.equal(202);
      expect(answer.body).to.deep.include({ sent: true, http_status: 200, error: null });
      expect(answer.body.event.type).to.equal('payment.failed');
      expect(receiver.requests).to.have.length(1);
      const [request] = receiver.requests as [ReceivedRequest];
      expect(request.path).to.equal('/t');
      const verified = new Webhook(OWN_SECRET).verify(request.body, request.headers as Record<string, string>) as {
        id: number;
        payload: unknown;
        metadata: unknown;
      };
      expect(verified.metadata).to.deep.equal({ test: true, subscription_id: id });
      // The sample payload of its type, for tools that map fields from it; one id in the body and in webhook-id.
      expect(verified.payload).to.deep.equal(catalogEntry('payment.failed').sample.payload);
      expect(verified.id).to.be.below(0);
      expect(request.headers['webhook-id']).to.equal(String(verified.id));
      expect(answer.body.event.id).to.equal(verified.id);
      receiver.reply = () => ({ status: 500, body: 'down' });
      const failed = await checked('POST', `${BASE}/{id}/test`, `${BASE}/${id}/test`, writer);
      expect(failed.body).to.deep.include({ sent: true, http_status: 500, error: 'HTTP 500' });
      // Each test has its own id, so a receiver that deduplicates by id takes the next one too.
      expect(failed.body.event.id).to.not.equal(verified.id);
      expect(receiver.requests[1]?.headers['webhook-id']).to.equal(String(failed.body.event.id));
      expect((await checked('POST', `${BASE}/{id}/test`, `${BASE}/999999/test`, writer)).status).to.equal(404);
    } finally {
      await receiver.close();
    }
  });

  it('Zapier REST Hooks: subscribe, an event is delivered, samples newest first, 410 Gone disables, unsubscribe', async () => {
    const zapier = await Receiver.start();
    const { dispatcher, drain, close } = testDispatcher(suite.db);
    try {
      // Zapier's subscribe sends the target URL; it keeps the returned id for the unsubscribe.
      const subscribe = await checked('POST', BASE, BASE, writer, {
        url: `${zapier.url}/hooks/standard/1/abc/`,
        event_types: ['client.created'],
      });
      expect(subscribe.status).to.equal(201);
      const id = subscribe.body.id as number;
      const append = (n: number) =>
        suite.db.db.transaction().execute((trx) =>
          appendEvents(trx, suite.db.dialect, 7, [
            {
              type: 'client.created',
              sourceKey: `zap:${n}`,
              createdUtc: new Date(Date.UTC(2026, 0, 28, 10, 0, n)),
              payload: { ...catalogEntry('client.created').sample.payload, client_id: n },
              metadata: {},
            },
          ]),
        );
      await append(1);
      await append(2);
      const queued = await checked('GET', `${BASE}/{id}/deliveries`, `${BASE}/${id}/deliveries`, writer);
      expect(queued.body.data.map((d: { status: string }) => d.status)).to.deep.equal(['pending', 'pending']);
      await drain();
      expect(zapier.requests.map((r) => JSON.parse(r.body).payload.client_id).sort()).to.deep.equal([1, 2]);
      const delivered = await checked('GET', `${BASE}/{id}/deliveries`, `${BASE}/${id}/deliveries`, writer);
      expect(delivered.body.data.map((d: { status: string }) => d.status)).to.deep.equal(['succeeded', 'succeeded']);
      // The trigger's sample list: newest first, each with a unique id.
      const samples = await checked('GET', '/api/v1/events', '/api/v1/events?type=client.created&limit=3&order=desc', events);
      expect(samples.body.data.slice(0, 2).map((e: { payload: { client_id: number } }) => e.payload.client_id)).to.deep.equal([2, 1]);
      // The Zap is turned off: Zapier answers 410 Gone, and the subscription is disabled at once.
      zapier.reply = () => ({ status: 410, body: 'gone' });
      await append(3);
      await drain();
      const gone = await checked('GET', `${BASE}/{id}`, `${BASE}/${id}`, writer);
      expect(gone.body).to.deep.include({ enabled: false });
      expect(gone.body.disabled_reason).to.match(/410 Gone/);
      const latest = (await checked('GET', `${BASE}/{id}/deliveries`, `${BASE}/${id}/deliveries`, writer)).body.data[0];
      expect(latest.status).to.equal('failed');
      const attempts = await checked('GET', '/api/v1/deliveries/{id}/attempts', `/api/v1/deliveries/${latest.id}/attempts`, writer);
      expect(attempts.body.data.map((a: { http_status: number }) => a.http_status)).to.deep.equal([410]);
      expect((await checked('GET', '/api/v1/deliveries/{id}/attempts', '/api/v1/deliveries/999999/attempts', writer)).status).to.equal(404);
      // A disabled subscription gets nothing more.
      await append(4);
      await drain();
      expect(zapier.requests).to.have.length(3);
      expect(dispatcher.heldCount).to.equal(0);
      // Zapier's unsubscribe: DELETE by the id it kept; its deliveries go too.
      const unsubscribe = await checked('DELETE', `${BASE}/{id}`, `${BASE}/${id}`, writer);
      expect(unsubscribe.status).to.equal(204);
      expect(unsubscribe.text).to.equal('');
      expect((await checked('GET', `${BASE}/{id}`, `${BASE}/${id}`, writer)).status).to.equal(404);
      expect((await checked('DELETE', `${BASE}/{id}`, `${BASE}/${id}`, writer)).status).to.equal(404);
      const left = await suite.db.db
        .selectFrom('integration.WebhookDelivery')
        .select('DeliveryId')
        .where('SubscriptionId', '=', id)
        .execute();
      expect(left).to.deep.equal([]);
    } finally {
      await close();
      await zapier.close();
    }
  });
});
