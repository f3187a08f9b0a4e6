import { expect } from 'chai';
import { appendEvents, type NewEvent } from '../../src/outbox/append-events.js';
import { ENVELOPE_COLUMNS, envelopeJson, toEnvelope } from '../../src/outbox/envelope.js';
import { describeEachDialect } from '../support/databases.js';

function event(type: NewEvent['type'], key: string, payload: Record<string, unknown> = {}): NewEvent {
  return { type, sourceKey: key, createdUtc: new Date('2026-01-28T10:30:00.250Z'), payload, metadata: { source: key.split(':')[0] } };
}

describeEachDialect('appending events to the outbox', (suite) => {
  let subscriptions: { all: number; clients: number; off: number; payments: number };

  before(async () => {
    const add = (url: string, types: string, enabled = true) =>
      suite.db.dialect.insertReturningId(
        suite.db.db,
        'integration.WebhookSubscription',
        { Url: url, EventTypes: types, Secret: 'whsec_x', Enabled: enabled },
        'SubscriptionId',
      );
    subscriptions = {
      all: await add('http://a.example/hook', '*'),
      clients: await add('http://b.example/hook', 'client.*,lead.created'),
      off: await add('http://c.example/hook', '*', false),
      payments: await add('http://d.example/hook', 'payment.failed'),
    };
  });

  it('writes the events in order and queues a delivery per matching enabled subscription', async () => {
    const result = await suite.db.db
      .transaction()
      .execute((trx) =>
        appendEvents(trx, suite.db.dialect, 92, [
          event('client.created', 'dbo.Client:1', { client_id: 1, first_name: 'Zoë', amount: 99.5, note: null }),
          event('lead.created', 'dbo.Client:2', { client_id: 2 }),
          event('payment.succeeded', 'dbo.InvoicePayment:7', { payment_id: 7 }),
        ]),
      );
    expect(result).to.deep.equal({
      inserted: 3,
      deliveries: 5,
      byType: new Map([
        ['client.created', 1],
        ['lead.created', 1],
        ['payment.succeeded', 1],
      ]),
      newestUtc: new Date('2026-01-28T10:30:00.250Z'),
    });
    const rows = await suite.db.db.selectFrom('integration.OutboxEvent').select(ENVELOPE_COLUMNS).orderBy('EventId').execute();
    expect(rows.map((r) => r.EventType)).to.deep.equal(['client.created', 'lead.created', 'payment.succeeded']);
    const first = toEnvelope(rows[0]!);
    expect(first).to.deep.include({ type: 'client.created', createdUtc: '2026-01-28T10:30:00.250Z', companyId: 92 });
    expect(first.payload).to.deep.equal({ client_id: 1, first_name: 'Zoë', amount: 99.5, note: null });
    expect(JSON.parse(envelopeJson(rows[0]!))).to.deep.equal(first);
    const deliveries = await suite.db.db
      .selectFrom('integration.WebhookDelivery')
      .select(['EventId', 'SubscriptionId', 'Status'])
      .execute();
    const bySubscription = (id: number) => deliveries.filter((d) => d.SubscriptionId === id).length;
    expect(bySubscription(subscriptions.all)).to.equal(3);
    expect(bySubscription(subscriptions.clients)).to.equal(2);
    expect(bySubscription(subscriptions.off)).to.equal(0);
    expect(bySubscription(subscriptions.payments)).to.equal(0);
    expect(deliveries.every((d) => d.Status === 'pending')).to.equal(true);
  });

  it('skips an event whose type and source key are already in the outbox, and queues nothing for it', async () => {
    const result = await suite.db.db
      .transaction()
      .execute((trx) =>
        appendEvents(trx, suite.db.dialect, 92, [event('client.created', 'dbo.Client:1'), event('payment.failed', 'dbo.InvoicePayment:8')]),
      );
    // Only the new one counts by type.
    expect(result).to.deep.equal({
      inserted: 1,
      deliveries: 2,
      byType: new Map([['payment.failed', 1]]),
      newestUtc: new Date('2026-01-28T10:30:00.250Z'),
    });
    const count = await suite.db.db
      .selectFrom('integration.OutboxEvent')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).to.equal(4);
  });

  it('writes nothing when the transaction rolls back', async () => {
    const failure = await suite.db.db
      .transaction()
      .execute(async (trx) => {
        await appendEvents(trx, suite.db.dialect, 92, [event('agreement.signed', 'dbo.AgreementSigned:1')]);
        throw new Error('crash before commit');
      })
      .catch((e: Error) => e.message);
    expect(failure).to.equal('crash before commit');
    const found = await suite.db.db
      .selectFrom('integration.OutboxEvent')
      .select('EventId')
      .where('EventType', '=', 'agreement.signed')
      .execute();
    expect(found).to.deep.equal([]);
  });
});
