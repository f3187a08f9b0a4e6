import { createApiKey, listApiKeys, revokeApiKey, touchApiKey, verifyApiKey } from '../../../src/api/api-keys.js';
import { countPending, deliverySubscriptionId, listAttempts, listDeliveries } from '../../../src/delivery/delivery-log.js';
import { kyselySubscriptionStore } from '../../../src/delivery/subscriptions.js';
import { ENVELOPE_COLUMNS } from '../../../src/outbox/envelope.js';
import type { MssqlStatementCase } from '../../support/mssql-recorder.js';

const at = () => new Date('2026-01-28T10:30:00Z');
const subscriptionRow = {
  SubscriptionId: 3,
  Url: 'https://a.example',
  EventTypes: 'client.created',
  Description: null,
  Enabled: true,
  DisabledReason: null,
  CreatedUtc: at(),
  UpdatedUtc: at(),
};

export const cases: MssqlStatementCase[] = [
  {
    name: 'events page: first page, all types, in commit order',
    run: (db) => db.dialect.api.pageEvents(db.db, { after: { key: null, eventId: 0 }, types: [], limit: 100, order: 'asc' }),
  },
  {
    name: 'events page: after a cursor, two types',
    run: (db) =>
      db.dialect.api.pageEvents(db.db, {
        after: { key: '0x00000000000007D1', eventId: 42 },
        types: ['client.created', 'payment.failed'],
        limit: 500,
        order: 'asc',
      }),
  },
  {
    name: 'events page: newest first (sample list), one type',
    run: (db) => db.dialect.api.pageEvents(db.db, { after: { key: null, eventId: 0 }, types: ['client.created'], limit: 3, order: 'desc' }),
  },
  {
    name: 'events page: newest first before a cursor',
    run: (db) =>
      db.dialect.api.pageEvents(db.db, { after: { key: '0x00000000000007D1', eventId: 42 }, types: [], limit: 3, order: 'desc' }),
  },
  {
    name: 'one event by id',
    run: (db) => db.db.selectFrom('integration.OutboxEvent').select(ENVELOPE_COLUMNS).where('EventId', '=', 42).executeTakeFirst(),
  },
  {
    name: 'api keys: create, list, revoke by id and by prefix, verify, record use',
    run: async (db) => {
      await createApiKey(db, 'zapier', ['events:read', 'integrations:write']);
      await listApiKeys(db);
      await revokeApiKey(db, '7', at());
      await revokeApiKey(db, 'obx_abcdefghijkl', at());
      await verifyApiKey(db, `obx_${'a'.repeat(44)}`);
      await touchApiKey(db, 7, at());
    },
    respond: (s) => (s.sql.includes('OUTPUT') || s.sql.includes('output') ? [{ id: 7 }] : []),
  },
  {
    name: 'subscriptions: create, get, list, update, rotate the secret, delete',
    run: async (db) => {
      const store = kyselySubscriptionStore(db, { secretOverlapHours: 24 }, at);
      await store.create({ url: 'https://a.example', eventTypes: ['client.created'], description: null, enabled: true });
      await store.get(3);
      await store.list(0, 101);
      await store.update(3, { url: 'https://b.example', eventTypes: ['client.*'], description: 'd', enabled: false });
      await store.rotateSecret(3);
      await store.delete(3);
    },
    respond: (s) => (s.sql.includes('output') ? [{ id: 3 }] : s.sql.startsWith('select') ? [subscriptionRow] : [{}]),
  },
  {
    name: 'delivery log: deliveries newest first, before a cursor, filtered, attempts, queue depth',
    run: async (db) => {
      await listDeliveries(db, { subscriptionId: 3 }, 0, 101);
      await listDeliveries(db, { subscriptionId: 3 }, 500, 101);
      await listDeliveries(
        db,
        {
          statuses: ['failed', 'cancelled'],
          httpStatus: 500,
          eventTypes: ['client.created', 'payment.failed'],
          since: at(),
          until: new Date(at().getTime() + 3_600_000),
          ownerKeyId: 4,
        },
        0,
        51,
      );
      await deliverySubscriptionId(db, 9);
      await listAttempts(db, 9);
      await countPending(db);
    },
    respond: (s) => (s.sql.includes('count(*)') ? [{ n: 0 }] : []),
  },
];
