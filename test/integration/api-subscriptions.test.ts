import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from 'chai';
import { appendEvents } from '../../src/outbox/append-events.js';
import { call, keyWith, type RunningApi, startApi } from '../support/api-app.js';
import { describeEachDialect } from '../support/databases.js';
import { responseProblems } from '../support/openapi-check.js';

const BASE = '/api/v1/webhooks/subscriptions';

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
    writer = await keyWith(suite.db, 'integrations:write');
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
    const again = await checked('GET', `${BASE}/{id}`, `${BASE}/${created.body.id}`, reader);
    expect(again.status).to.equal(200);
    expect(again.body).to.not.have.property('secret');
    expect(again.body.event_types).to.deep.equal(['client.created', 'payment.*']);
    const withSecret = await checked('POST', BASE, BASE, writer, {
      url: 'http://localhost:9/dev',
      event_types: ['*'],
      secret: 'my-own-secret-of-16+',
      enabled: false,
    });
    expect(withSecret.body).to.deep.include({ secret: 'my-own-secret-of-16+', enabled: false });
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
    const production = await startApi(suite.db, { env: 'production', api: { keyCacheMs: 0 } });
    try {
      for (const url of [
        'http://hooks.example.com/a',
        'https://127.0.0.1/a',
        'https://10.1.2.3/a',
        'https://[::1]/a',
        'https://localhost/a',
        'https://192.168.0.4/a',
      ]) {
        const answer = await call(production.base, 'POST', BASE, writer, { url, event_types: ['client.created'] });
        expect(answer.status, url).to.equal(400);
        expect(answer.body.error.code, url).to.equal('invalid_url');
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
      const answer = await checked('GET', BASE, `${BASE}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, reader);
      expect(answer.status).to.equal(200);
      seen.push(...answer.body.data.map((s: { id: number }) => s.id));
      cursor = answer.body.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).to.deep.equal(all);
    expect((await checked('GET', BASE, `${BASE}?cursor=zzz`, reader)).status).to.equal(400);
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

  it('sends a test event: 202 with the sample envelope', async () => {
    const id = (await call(api.base, 'POST', BASE, writer, { url: 'https://t.example/a', event_types: ['payment.failed'] })).body
      .id as number;
    const answer = await checked('POST', `${BASE}/{id}/test`, `${BASE}/${id}/test`, writer);
    expect(answer.status).to.equal(202);
    expect(answer.body.event.type).to.equal('payment.failed');
    expect((await checked('POST', `${BASE}/{id}/test`, `${BASE}/999999/test`, writer)).status).to.equal(404);
  });

  it('Zapier REST Hooks: subscribe, an event is queued and logged, samples newest first, unsubscribe', async () => {
    // Zapier's subscribe sends the target URL; it keeps the returned id for the unsubscribe.
    const subscribe = await checked('POST', BASE, BASE, writer, {
      url: 'https://hooks.zapier.com/hooks/standard/1/abc/',
      event_types: ['client.created'],
    });
    expect(subscribe.status).to.equal(201);
    const id = subscribe.body.id as number;
    await suite.db.db.transaction().execute((trx) =>
      appendEvents(trx, suite.db.dialect, 7, [
        {
          type: 'client.created',
          sourceKey: 'zap:1',
          createdUtc: new Date('2026-01-28T10:00:00Z'),
          payload: { client_id: 1 },
          metadata: {},
        },
        {
          type: 'client.created',
          sourceKey: 'zap:2',
          createdUtc: new Date('2026-01-28T10:00:01Z'),
          payload: { client_id: 2 },
          metadata: {},
        },
      ]),
    );
    const deliveries = await checked('GET', `${BASE}/{id}/deliveries`, `${BASE}/${id}/deliveries`, reader);
    expect(deliveries.status).to.equal(200);
    expect(deliveries.body.data).to.have.length(2);
    expect(deliveries.body.data.every((d: { status: string }) => d.status === 'pending')).to.equal(true);
    const deliveryId = deliveries.body.data[0].id as number;
    const deliveryRow = await suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .select(['EventId'])
      .where('DeliveryId', '=', deliveryId)
      .executeTakeFirstOrThrow();
    // The dispatcher's log, as the delivery part writes it: Zapier answered 410 Gone.
    await suite.db.db
      .insertInto('integration.DeliveryAttempt')
      .values({
        DeliveryId: deliveryId,
        SubscriptionId: id,
        EventId: deliveryRow.EventId,
        AttemptNumber: 1,
        HttpStatus: 410,
        ResponseBody: 'gone',
        ElapsedMs: 12,
      })
      .execute();
    const attempts = await checked('GET', '/api/v1/deliveries/{id}/attempts', `/api/v1/deliveries/${deliveryId}/attempts`, reader);
    expect(attempts.body.data.map((a: { http_status: number }) => a.http_status)).to.deep.equal([410]);
    expect((await checked('GET', '/api/v1/deliveries/{id}/attempts', '/api/v1/deliveries/999999/attempts', reader)).status).to.equal(404);
    // The trigger's sample list: newest first, each with a unique id.
    const samples = await checked('GET', '/api/v1/events', '/api/v1/events?type=client.created&limit=3&order=desc', events);
    expect(samples.body.data.slice(0, 2).map((e: { payload: { client_id: number } }) => e.payload.client_id)).to.deep.equal([2, 1]);
    // Zapier's unsubscribe: DELETE by the id it kept; its queued deliveries go too.
    const unsubscribe = await checked('DELETE', `${BASE}/{id}`, `${BASE}/${id}`, writer);
    expect(unsubscribe.status).to.equal(204);
    expect(unsubscribe.text).to.equal('');
    expect((await checked('GET', `${BASE}/{id}`, `${BASE}/${id}`, reader)).status).to.equal(404);
    expect((await checked('DELETE', `${BASE}/{id}`, `${BASE}/${id}`, writer)).status).to.equal(404);
    const left = await suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .select('DeliveryId')
      .where('SubscriptionId', '=', id)
      .execute();
    expect(left).to.deep.equal([]);
  });
});
