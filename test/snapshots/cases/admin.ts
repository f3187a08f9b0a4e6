import { previewRecover } from '../../../src/delivery/delivery-store.js';
import { pageDeliveries, pageEvents, readDelivery, readEvent } from '../../../src/admin/log-queries.js';
import { readOverview } from '../../../src/admin/overview-queries.js';
import { SessionStore } from '../../../src/admin/sessions.js';
import type { MssqlStatementCase } from '../../support/mssql-recorder.js';

const at = new Date('2026-01-28T10:30:00Z');
const TOKEN = 'a'.repeat(43);

export const cases: MssqlStatementCase[] = [
  {
    name: 'portal sessions: open (and sweep the idle), find, touch, close',
    run: async (db) => {
      const sessions = new SessionStore(db, { idleMs: 30 * 60_000, now: () => at.getTime() });
      await sessions.open(7);
      await sessions.find(TOKEN);
      await sessions.close(TOKEN);
    },
    respond: (s) =>
      s.sql.startsWith('select')
        ? [{ ApiKeyId: 7, CsrfToken: 'c', LastSeenUtc: new Date(at.getTime() - 120_000), RevokedUtc: null, Scopes: 'admin' }]
        : [],
  },
  {
    name: 'portal overview: capture per source, events per type and attempts by outcome over 24 h, troubled subscriptions, queue depth',
    run: (db) => readOverview(db, [{ name: 'dbo.Client', types: ['client.created', 'lead.created'] }], at),
    respond: (s) =>
      s.sql.includes('WebhookSubscription')
        ? [{ SubscriptionId: 3, Url: 'https://a.example', Description: null, Enabled: false, DisabledReason: 'r', FailingSinceUtc: null }]
        : s.sql.includes('count(*)') && !s.sql.includes('group by')
          ? [{ n: 0 }]
          : [],
  },
  {
    name: 'portal events: newest first with every filter, the next page, one event',
    run: async (db) => {
      await pageEvents(db, {}, 50);
      await pageEvents(db, { type: 'client.created', id: 42, from: at, to: at, beforeId: 1000 }, 50);
      await readEvent(db, 42);
    },
  },
  {
    name: 'portal delivery log: newest first with every filter, one delivery',
    run: async (db) => {
      await pageDeliveries(db, {}, 50);
      await pageDeliveries(db, { subscriptionId: 3, status: 'failed', httpStatus: 500, from: at, to: at, eventId: 42, beforeId: 1000 }, 50);
      await readDelivery(db, 9);
    },
  },
  {
    name: 'recover preview: failed and cancelled deliveries since, events of its types it never had',
    run: (db) => previewRecover(db, 3, at),
    respond: (s) => (s.sql.includes('EventTypes') ? [{ EventTypes: 'client.created' }] : [{ n: 0 }]),
  },
];
