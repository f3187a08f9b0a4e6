import { appendEvents } from '../../../src/outbox/append-events.js';
import type { MssqlStatementCase } from '../../support/mssql-recorder.js';

export const cases: MssqlStatementCase[] = [
  {
    name: 'append events and fan out to subscriptions',
    run: (db) =>
      db.db.transaction().execute((trx) =>
        appendEvents(
          trx,
          db.dialect,
          92,
          [
            {
              type: 'client.created',
              sourceKey: 'dbo.Client:1',
              createdUtc: new Date('2026-01-28T10:30:00Z'),
              payload: { client_id: 1 },
              metadata: {},
            },
          ],
          new Date('2026-01-28T10:30:01Z'),
        ),
      ),
    respond: (s) =>
      s.sql.includes('WebhookSubscription')
        ? [{ SubscriptionId: 3, EventTypes: '*' }]
        : s.sql.includes('OUTPUT')
          ? [{ EventId: 1, EventType: 'client.created' }]
          : [],
  },
];
