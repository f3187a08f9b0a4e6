import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from 'chai';
import { appendEvents } from '../../src/outbox/append-events.js';
import { catalogEntry } from '../../src/outbox/event-catalog/index.js';
import type { EventType } from '../../src/outbox/event-types.js';
import { call, keyWith, type RunningApi, startApi } from '../support/api-app.js';
import { describeEachDialect } from '../support/databases.js';
import { testDispatcher } from '../support/dispatcher.js';
import { responseProblems } from '../support/openapi-check.js';
import { Receiver } from '../support/receiver.js';

const SUBSCRIPTIONS = '/api/v1/webhooks/subscriptions';

describeEachDialect('integration API: the delivery log, resend and recover', (suite) => {
  let api: RunningApi;
  let doc: Parameters<typeof responseProblems>[0];
  let writer: string;
  let reader: string;
  let stranger: string;
  let admin: string;
  let receiver: Receiver;
  let subscriptionId: number;
  let sent = 0;

  const checked = async (method: string, documented: string, path: string, key?: string, body?: unknown) => {
    const answer = await call(api.base, method, path, key, body);
    expect(
      responseProblems(doc, method, documented, answer.status, answer.body),
      `${method} ${path} ${answer.status} ${answer.text}`,
    ).to.deep.equal([]);
    return answer;
  };
  const log = (query: string) => checked('GET', '/api/v1/deliveries', `/api/v1/deliveries${query}`, reader);
  const ids = (answer: { body: { data: { id: number }[] } }) => answer.body.data.map((d) => d.id);
  const append = (type: EventType, createdUtc: Date) =>
    suite.db.db
      .transaction()
      .execute((trx) =>
        appendEvents(trx, suite.db.dialect, 92, [
          { type, sourceKey: `log:${++sent}`, createdUtc, payload: catalogEntry(type).sample.payload, metadata: {} },
        ]),
      );
  const deliveries = () =>
    suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .select(['DeliveryId', 'Status', 'AttemptCount', 'LastHttpStatus'])
      .orderBy('DeliveryId')
      .execute();

  before(async () => {
    api = await startApi(suite.db, {
      api: { keyCacheMs: 0, rateLimits: { read: { perMinute: 60000, burst: 10000 }, write: { perMinute: 60000, burst: 10000 } } },
    });
    // The subscription belongs to the key that created it: `writer` reads its log too.
    writer = await keyWith(suite.db, 'integrations:write', 'integrations:read', 'events:read');
    reader = writer;
    stranger = await keyWith(suite.db, 'integrations:read', 'integrations:write');
    admin = await keyWith(suite.db, 'admin');
    doc = (await SwaggerParser.dereference((await call(api.base, 'GET', '/api/v1/openapi.json')).body)) as unknown as typeof doc;
    receiver = await Receiver.start();
    // client.* is answered 200, payments 500: one log with both outcomes.
    receiver.reply = (request) => (JSON.parse(request.body).type.startsWith('client.') ? { status: 200 } : { status: 500, body: 'down' });
    const created = await call(api.base, 'POST', SUBSCRIPTIONS, writer, { url: `${receiver.url}/log`, event_types: ['*'] });
    subscriptionId = created.body.id as number;
    await append('client.created', new Date('2026-01-28T10:00:00Z'));
    await append('payment.failed', new Date('2026-01-28T11:00:00Z'));
    await append('client.status_changed', new Date('2026-01-28T12:00:00Z'));
    const { drain, close } = testDispatcher(suite.db, { options: { retrySchedule: [3600] } });
    try {
      await drain();
    } finally {
      await close();
    }
  });

  after(async () => {
    await receiver?.close();
    await api?.close();
  });

  it('lists the delivery log newest first, filtered by outcome, HTTP status, event type, subscription and time', async () => {
    const all = await log('');
    expect(all.status).to.equal(200);
    expect(all.body.data.map((d: { event_type: string }) => d.event_type)).to.deep.equal([
      'client.status_changed',
      'payment.failed',
      'client.created',
    ]);
    const [newest, payment, oldest] = ids(all);
    expect(all.body.data[1]).to.deep.include({
      status: 'pending',
      last_http_status: 500,
      attempt_count: 1,
      subscription_id: subscriptionId,
    });
    expect(ids(await log('?status=succeeded'))).to.deep.equal([newest, oldest]);
    expect(ids(await log('?status=pending,failed'))).to.deep.equal([payment]);
    expect(ids(await log('?http_status=500'))).to.deep.equal([payment]);
    expect(ids(await log('?http_status=200&event_type=CLIENT.CREATED'))).to.deep.equal([oldest]);
    expect(ids(await log('?event_type=client.created,client.status_changed'))).to.deep.equal([newest, oldest]);
    expect(ids(await log(`?subscription_id=${subscriptionId}&status=succeeded`))).to.deep.equal([newest, oldest]);
    expect(ids(await log(`?subscription_id=${subscriptionId + 1000}`))).to.deep.equal([]);
    // Time is when the delivery was queued: all three were queued just now.
    expect(ids(await log(`?since=${new Date(Date.now() - 3_600_000).toISOString()}`))).to.have.length(3);
    expect(ids(await log(`?until=${new Date(Date.now() - 3_600_000).toISOString()}`))).to.deep.equal([]);
    expect(ids(await log('?since=2000-01-01&until=2999-01-01&status=succeeded'))).to.deep.equal([newest, oldest]);
    const first = await log('?limit=2');
    expect(ids(first)).to.deep.equal([newest, payment]);
    const second = await log(`?limit=2&cursor=${first.body.next_cursor as string}`);
    expect(ids(second)).to.deep.equal([oldest]);
    expect(second.body.next_cursor).to.equal(null);
    const one = await checked('GET', '/api/v1/deliveries/{id}', `/api/v1/deliveries/${payment}`, reader);
    expect(one.body).to.deep.equal(all.body.data[1]);
    expect((await checked('GET', '/api/v1/deliveries/{id}', '/api/v1/deliveries/999999', reader)).status).to.equal(404);
  });

  it('refuses a bad filter with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['?status=exploded', 'querystring.status'],
      ['?status=', 'querystring.status'],
      ['?http_status=99', 'querystring.http_status'],
      ['?http_status=abc', 'querystring.http_status'],
      ['?event_type=client.exploded', 'querystring.event_type'],
      ['?since=yesterday', 'querystring.since'],
      ['?until=2026-01-28T10:00:00', 'querystring.until'],
      ['?subscription_id=0', 'querystring.subscription_id'],
      ['?colour=red', 'querystring.colour'],
    ];
    for (const [query, field] of cases) {
      const answer = await log(query);
      expect(answer.status, query).to.equal(400);
      expect(JSON.stringify(answer.body.error), query).to.include(field);
    }
    const eventsOnly = await keyWith(suite.db, 'events:read');
    expect((await checked('GET', '/api/v1/deliveries', '/api/v1/deliveries', eventsOnly)).status).to.equal(403);
    expect((await checked('GET', '/api/v1/deliveries', '/api/v1/deliveries')).status).to.equal(401);
  });

  it("shows a key only its own subscriptions' deliveries, an admin key all", async () => {
    const mine = ids(await log(''));
    expect(mine).to.have.length(3);
    const theirs = await checked('GET', '/api/v1/deliveries', '/api/v1/deliveries', stranger);
    expect(theirs.body.data).to.deep.equal([]);
    const [first] = mine;
    expect((await checked('GET', '/api/v1/deliveries/{id}', `/api/v1/deliveries/${first}`, stranger)).status).to.equal(404);
    expect((await checked('POST', '/api/v1/deliveries/{id}/resend', `/api/v1/deliveries/${first}/resend`, stranger)).status).to.equal(404);
    const recover = `${SUBSCRIPTIONS}/${subscriptionId}/recover`;
    expect((await checked('POST', `${SUBSCRIPTIONS}/{id}/recover`, recover, stranger, { since: '2026-01-01' })).status).to.equal(404);
    expect(ids(await checked('GET', '/api/v1/deliveries', '/api/v1/deliveries', admin))).to.deep.equal(mine);
  });

  it('resends a delivery over the API: queued at once with fresh retries, then delivered with the same webhook-id', async () => {
    const [payment] = ids(await log('?event_type=payment.failed'));
    const requestsBefore = receiver.requests.length;
    receiver.reply = () => ({ status: 204 });
    const resent = await checked('POST', '/api/v1/deliveries/{id}/resend', `/api/v1/deliveries/${payment}/resend`, writer);
    expect(resent.status).to.equal(202);
    expect(resent.body).to.deep.include({ id: payment, status: 'pending', attempt_count: 0 });
    expect(new Date(resent.body.next_attempt_utc).getTime()).to.be.at.most(Date.now() + 1000);
    const { drain, close } = testDispatcher(suite.db);
    try {
      await drain();
    } finally {
      await close();
    }
    const delivered = await checked('GET', '/api/v1/deliveries/{id}', `/api/v1/deliveries/${payment}`, reader);
    expect(delivered.body).to.deep.include({ status: 'succeeded', last_http_status: 204, attempt_count: 1 });
    const request = receiver.requests[requestsBefore];
    expect(request?.headers['webhook-id']).to.equal(String(delivered.body.event_id));
    expect(receiver.requests).to.have.length(requestsBefore + 1);
  });

  it('recovers a subscription over the API: failed and cancelled again, and the events it never had', async () => {
    const late = await call(api.base, 'POST', SUBSCRIPTIONS, writer, {
      url: `${receiver.url}/late`,
      event_types: ['client.*'],
    });
    const lateId = late.body.id as number;
    const path = `${SUBSCRIPTIONS}/${lateId}/recover`;
    const recovered = await checked('POST', `${SUBSCRIPTIONS}/{id}/recover`, path, writer, { since: '2026-01-01' });
    expect(recovered.status).to.equal(202);
    expect(recovered.body).to.deep.equal({ requeued: 0, queued: 2 });
    const queued = await log(`?subscription_id=${lateId}`);
    expect(queued.body.data.map((d: { status: string }) => d.status)).to.deep.equal(['pending', 'pending']);
    // Cancelled ones come back; a second recover queues no event twice.
    await suite.db.db
      .updateTable('integration.WebhookDelivery')
      .set({ Status: 'cancelled' })
      .where('SubscriptionId', '=', lateId)
      .execute();
    const again = await checked('POST', `${SUBSCRIPTIONS}/{id}/recover`, path, writer, { since: '2026-01-28T09:00:00Z' });
    expect(again.body).to.deep.equal({ requeued: 2, queued: 0 });
  });

  it('refuses a bad resend or recover with the right status, and changes nothing', async () => {
    const state = await deliveries();
    const recover = (id: number | string, body: unknown) =>
      checked('POST', `${SUBSCRIPTIONS}/{id}/recover`, `${SUBSCRIPTIONS}/${id}/recover`, writer, body);
    const resend = (id: number | string, key = writer) =>
      checked('POST', '/api/v1/deliveries/{id}/resend', `/api/v1/deliveries/${id}/resend`, key);
    expect((await recover(subscriptionId, { since: 'yesterday' })).body.error.message).to.include('body.since');
    expect((await recover(subscriptionId, {})).body.error.message).to.include('body.since');
    expect((await recover(subscriptionId, { since: '2026-01-01', until: 'x' })).status).to.equal(400);
    expect((await recover(999999, { since: '2026-01-01' })).status).to.equal(404);
    expect((await recover('abc', { since: '2026-01-01' })).status).to.equal(400);
    expect((await resend(999999)).status).to.equal(404);
    expect((await resend(0)).status).to.equal(400);
    const [first] = state;
    expect((await resend(Number(first?.DeliveryId), await keyWith(suite.db, 'integrations:read'))).status).to.equal(403);
    expect(await deliveries()).to.deep.equal(state);
    // A disabled subscription's deliveries would never be taken: 409, enable it first.
    await call(api.base, 'PATCH', `${SUBSCRIPTIONS}/${subscriptionId}`, writer, { enabled: false });
    const frozen = await deliveries();
    const refused = await resend(Number(first?.DeliveryId));
    expect(refused.status).to.equal(409);
    expect(refused.body.error.message).to.match(/disabled: enable it first/);
    expect((await recover(subscriptionId, { since: '2026-01-01' })).status).to.equal(409);
    expect(await deliveries()).to.deep.equal(frozen);
  });
});
