import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from 'chai';
import { captureLagSeconds } from '../../src/api/metrics.js';
import { appendEvents, type NewEvent } from '../../src/outbox/append-events.js';
import { catalogEntry } from '../../src/outbox/event-catalog/index.js';
import { EVENT_TYPES } from '../../src/outbox/event-types.js';
import { call, keyWith, type RunningApi, startApi } from '../support/api-app.js';
import { describeEachDialect } from '../support/databases.js';
import { responseProblems } from '../support/openapi-check.js';

let counter = 0;
function event(type: NewEvent['type']): NewEvent {
  counter += 1;
  return {
    type,
    sourceKey: `test:${counter}`,
    createdUtc: new Date(Date.UTC(2026, 0, 28, 10, 0, counter)),
    // The catalog's sample payload, so the answers match the typed schemas of the OpenAPI document.
    payload: { ...catalogEntry(type).sample.payload, n: counter },
    metadata: {},
  };
}

describeEachDialect('integration API: events, auth, operations', (suite) => {
  let api: RunningApi;
  let doc: Parameters<typeof responseProblems>[0];
  let reader: string;
  let writer: string;
  const append = (...events: NewEvent[]) => suite.db.db.transaction().execute((trx) => appendEvents(trx, suite.db.dialect, 7, events));
  /** Calls and checks the answer against the OpenAPI document (path as documented). */
  const checked = async (method: string, documented: string, path: string, key?: string, body?: unknown) => {
    const answer = await call(api.base, method, path, key, body);
    expect(
      responseProblems(doc, method, documented, answer.status, answer.body),
      `${method} ${path} ${answer.status} ${answer.text}`,
    ).to.deep.equal([]);
    return answer;
  };

  before(async () => {
    api = await startApi(suite.db, { api: { keyCacheMs: 0, rateLimits: { read: { perMinute: 60000, burst: 10000 } } } });
    reader = await keyWith(suite.db, 'events:read');
    writer = await keyWith(suite.db, 'integrations:write');
    const answer = await call(api.base, 'GET', '/api/v1/openapi.json');
    expect(answer.status).to.equal(200);
    doc = (await SwaggerParser.dereference(structuredClone(answer.body))) as unknown as typeof doc;
  });

  after(async () => {
    await api?.close();
  });

  it('serves a valid OpenAPI 3 document generated from the route schemas', async () => {
    const raw = (await call(api.base, 'GET', '/api/v1/openapi.json')).body;
    expect(raw.components.schemas.Error.properties.error.required).to.deep.equal(['code', 'message']);
    expect(raw.paths['/api/v1/events'].get.responses['401'].content['application/json'].schema).to.deep.equal({
      $ref: '#/components/schemas/Error',
    });
    const validated = (await SwaggerParser.validate(raw)) as { openapi: string; paths: Record<string, unknown> };
    expect(validated.openapi).to.match(/^3\./);
    expect(Object.keys(validated.paths)).to.include.members([
      '/api/v1/events',
      '/api/v1/events/{id}',
      '/api/v1/webhooks/subscriptions',
      '/api/v1/webhooks/subscriptions/{id}',
      '/api/v1/webhooks/subscriptions/{id}/test',
      '/api/v1/webhooks/subscriptions/{id}/deliveries',
      '/api/v1/deliveries/{id}/attempts',
    ]);
  });

  it('answers 401 without a key or with an unknown one, and 403 for a key without the scope', async () => {
    const missing = await checked('GET', '/api/v1/events', '/api/v1/events');
    expect(missing.status).to.equal(401);
    expect(missing.body.error.code).to.equal('unauthorized');
    expect(missing.headers.get('www-authenticate')).to.match(/^Bearer/);
    const unknown = await checked('GET', '/api/v1/events', '/api/v1/events', `obx_${'A'.repeat(44)}`);
    expect(unknown.status).to.equal(401);
    const malformed = await call(api.base, 'GET', '/api/v1/events', 'nonsense');
    expect(malformed.status).to.equal(401);
    const wrong = await checked('GET', '/api/v1/events', '/api/v1/events', writer);
    expect(wrong.status).to.equal(403);
    expect(wrong.body.error).to.deep.include({ code: 'forbidden' });
    expect(wrong.body.error.details.required_scope).to.equal('events:read');
    const admin = await keyWith(suite.db, 'admin');
    expect((await call(api.base, 'GET', '/api/v1/events', admin)).status).to.equal(200);
  });

  it('stops accepting a key once it is revoked', async () => {
    const { createApiKey, revokeApiKey } = await import('../../src/api/api-keys.js');
    const created = await createApiKey(suite.db, 'short-lived', ['events:read']);
    expect((await call(api.base, 'GET', '/api/v1/events?limit=1', created.key)).status).to.equal(200);
    const used = await suite.db.db
      .selectFrom('integration.ApiKey')
      .select(['LastUsedUtc', 'KeyHash'])
      .where('ApiKeyId', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(used.LastUsedUtc).to.be.instanceOf(Date);
    expect(used.KeyHash.trim()).to.have.length(64).and.not.include(created.key);
    expect(await revokeApiKey(suite.db, String(created.id))).to.equal(true);
    expect((await call(api.base, 'GET', '/api/v1/events?limit=1', created.key)).status).to.equal(401);
  });

  it('pages through events with a cursor in the body and X-Paging-Cursor, none skipped or repeated', async () => {
    await append(
      event('client.created'),
      event('lead.created'),
      event('payment.failed'),
      event('client.created'),
      event('invoice.created'),
    );
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const answer = await checked('GET', '/api/v1/events', `/api/v1/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`, reader);
      expect(answer.status).to.equal(200);
      expect(answer.headers.get('x-paging-cursor')).to.equal(answer.body.next_cursor);
      cursor = answer.body.next_cursor;
      if (answer.body.data.length === 0) break;
      seen.push(...answer.body.data.map((e: { id: number }) => e.id));
    }
    expect(seen).to.have.length(5);
    expect(new Set(seen).size).to.equal(5);
    expect(seen).to.deep.equal([...seen].sort((a, b) => a - b));
    // An empty page still gives a cursor, and the next event arrives through it.
    const empty = await checked('GET', '/api/v1/events', `/api/v1/events?cursor=${cursor}`, reader);
    expect(empty.body.data).to.deep.equal([]);
    expect(empty.body.next_cursor).to.be.a('string');
    await append(event('agreement.signed'));
    const next = await checked('GET', '/api/v1/events', `/api/v1/events?cursor=${empty.body.next_cursor}`, reader);
    expect(next.body.data.map((e: { type: string }) => e.type)).to.deep.equal(['agreement.signed']);
    expect(next.body.data[0]).to.have.keys('id', 'type', 'createdUtc', 'companyId', 'payload', 'metadata');
  });

  it('filters by type case-insensitively and rejects an unknown type listing the valid ones', async () => {
    const answer = await checked('GET', '/api/v1/events', '/api/v1/events?type=CLIENT.Created,payment.failed&limit=500', reader);
    expect(answer.status).to.equal(200);
    const types = new Set(answer.body.data.map((e: { type: string }) => e.type));
    expect([...types].sort()).to.deep.equal(['client.created', 'payment.failed']);
    const bad = await checked('GET', '/api/v1/events', '/api/v1/events?type=client.exploded', reader);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('unknown_event_type');
    expect(bad.body.error.details.valid_types).to.deep.equal([...EVENT_TYPES]);
  });

  it('serves newest first with order=desc, as a trigger sample list', async () => {
    const answer = await checked('GET', '/api/v1/events', '/api/v1/events?type=client.created&limit=3&order=desc', reader);
    const ids = answer.body.data.map((e: { id: number }) => e.id);
    expect(ids.length).to.be.within(1, 3);
    expect(ids).to.deep.equal([...ids].sort((a, b) => b - a));
    const all = await call(api.base, 'GET', '/api/v1/events?type=client.created&limit=500', reader);
    expect(ids[0]).to.equal(Math.max(...all.body.data.map((e: { id: number }) => e.id)));
  });

  it('answers 400 naming the field for a bad limit, an unknown parameter or a bad cursor', async () => {
    for (const [query, field] of [
      ['limit=0', 'querystring.limit'],
      ['limit=501', 'querystring.limit'],
      ['limit=ten', 'querystring.limit'],
      ['order=sideways', 'querystring.order'],
      ['since=5', 'querystring.since'],
      ['cursor=%25%25', 'querystring.cursor'],
      [`cursor=${Buffer.from('{"k":"drop table","e":1}').toString('base64url')}`, 'querystring.cursor'],
      [`cursor=${Buffer.from('[1]').toString('base64url')}`, 'querystring.cursor'],
    ] as const) {
      const answer = await checked('GET', '/api/v1/events', `/api/v1/events?${query}`, reader);
      expect(answer.status, query).to.equal(400);
      expect(JSON.stringify(answer.body.error), query).to.include(field);
    }
  });

  it('returns one event by id, 404 for a missing one and 400 for a malformed id', async () => {
    const first = (await call(api.base, 'GET', '/api/v1/events?limit=1', reader)).body.data[0];
    const one = await checked('GET', '/api/v1/events/{id}', `/api/v1/events/${first.id}`, reader);
    expect(one.body).to.deep.equal(first);
    expect((await checked('GET', '/api/v1/events/{id}', '/api/v1/events/999999', reader)).status).to.equal(404);
    expect((await checked('GET', '/api/v1/events/{id}', '/api/v1/events/abc', reader)).status).to.equal(400);
    const extra = await checked('GET', '/api/v1/events/{id}', `/api/v1/events/${first.id}?expand=all`, reader);
    expect(extra.status).to.equal(400);
    expect(extra.body.error.message).to.include('querystring.expand');
  });

  it('answers an unknown route with 404 and the error body', async () => {
    const answer = await call(api.base, 'GET', '/api/v1/nothing', reader);
    expect(answer.status).to.equal(404);
    expect(answer.body.error.code).to.equal('not_found');
  });

  it('reports ready, and not ready when capture lags beyond the threshold', async () => {
    const ready = await checked('GET', '/readyz', '/readyz');
    expect(ready.status).to.equal(200);
    expect(ready.body.checks.schema.ok).to.equal(true);
    captureLagSeconds.set(10_000);
    try {
      const lagging = await checked('GET', '/readyz', '/readyz');
      expect(lagging.status).to.equal(503);
      expect(lagging.body.error.code).to.equal('not_ready');
      expect(lagging.body.error.details.checks.capture_lag.ok).to.equal(false);
    } finally {
      captureLagSeconds.reset();
    }
  });

  it('serves Prometheus metrics, with the queue depth read on scrape', async () => {
    const answer = await call(api.base, 'GET', '/metrics');
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^text\/plain/);
    for (const name of [
      'outbox_events_captured_total',
      'outbox_capture_lag_seconds',
      'outbox_deliveries_total',
      'outbox_delivery_attempt_duration_seconds',
      'outbox_delivery_queue_depth',
      'outbox_circuit_state',
    ]) {
      expect(answer.text).to.include(`# TYPE ${name}`);
    }
    expect(answer.text).to.match(/^outbox_delivery_queue_depth \d+$/m);
  });
});
