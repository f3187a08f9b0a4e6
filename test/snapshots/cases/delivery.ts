import type { Database } from '../../../src/db/connect.js';
import { recordResults, recoverDeliveries, releaseLeases, renewLeases, resendDelivery } from '../../../src/delivery/delivery-store.js';
import { loadDeliveryTargets } from '../../../src/delivery/subscriptions.js';
import type { MssqlStatementCase } from '../../support/mssql-recorder.js';

const at = new Date('2026-11-25T12:00:00Z');

export const cases: MssqlStatementCase[] = [
  {
    name: 'dispatcher: claim per subscription room with the events, then load the targets',
    run: async (db: Database) => {
      await db.dialect.delivery.claim(db.db, {
        owner: 'host:1:abc',
        limit: 250,
        now: at,
        leaseUntil: new Date(at.getTime() + 60_000),
        room: [
          { s: 1, n: 150 },
          { s: 2, n: 0 },
        ],
        defaultRoom: 200,
      });
      await loadDeliveryTargets(db, [1, 2], at);
    },
    respond: (s) =>
      s.sql.trim().startsWith('UPDATE') ? [{ DeliveryId: 5, EventId: 9, SubscriptionId: 1, AttemptCount: 0, WindowStartUtc: at }] : [],
  },
  {
    name: 'dispatcher: record a batch of results, disable failing and gone subscriptions',
    run: (db: Database) =>
      recordResults(
        db,
        [{ d: 5, s: 1, e: 9, n: 1, h: 500, c: null, b: 'busy', ms: 12, at: '2026-11-25T12:00:00.000' }],
        [{ d: 5, st: 'pending', n: 1, next: '2026-11-25T12:00:10.000', h: 500, err: 'HTTP 500', done: null }],
        { succeeded: [2], failing: [1], gone: [3] },
        { owner: 'host:1:abc', now: at, failingCutoff: new Date(at.getTime() - 5 * 86_400_000) },
      ).then(() => undefined),
    respond: (s) => (s.sql.startsWith('select') ? [{ SubscriptionId: 1 }] : []),
  },
  {
    name: 'dispatcher: renew and release leases',
    run: async (db: Database) => {
      await renewLeases(db, 'host:1:abc', [5, 6], at);
      await releaseLeases(db, 'host:1:abc', [7], at);
    },
    respond: () => [],
  },
  {
    name: 'outbox deliveries resend / recover',
    run: async (db: Database) => {
      await resendDelivery(db, 5, at);
      await recoverDeliveries(db, 1, new Date('2026-11-01T00:00:00Z'), at);
    },
    respond: (() => {
      let pages = 0;
      return (s: { sql: string }) => {
        if (s.sql.includes('"EventTypes", "Enabled"')) return [{ EventTypes: 'client.*', Enabled: true }];
        // One page of events the subscription never had, then the end.
        if (s.sql.includes('select top(5000) "EventId"')) return pages++ === 0 ? [{ EventId: 11 }, { EventId: 12 }] : [];
        return [];
      };
    })(),
  },
];
