import { expect } from 'chai';
import { chunks, inRounds, ROWS_PER_WRITE } from '../../src/db/chunks.js';
import { cancelPendingDeliveries, recoverDeliveries } from '../../src/delivery/delivery-store.js';
import { kyselySubscriptionStore } from '../../src/delivery/subscriptions.js';
import { appendEvents, type NewEvent } from '../../src/outbox/append-events.js';
import { type RecordedStatement, recordingMssqlDatabase, type Responder } from '../support/mssql-recorder.js';

const at = new Date('2026-11-25T12:00:00Z');
const ABOVE_CHUNK = ROWS_PER_WRITE * 2 + 100;

function events(count: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'client.created',
    sourceKey: `dbo.Client:${i + 1}`,
    createdUtc: at,
    payload: { client_id: i + 1 },
    metadata: {},
  }));
}

/** The JSON arrays a statement carries as parameters: its rows, when it is a set-based write. */
function jsonRows(statement: RecordedStatement): unknown[][] {
  return statement.parameters
    .filter((p): p is string => typeof p === 'string' && p.startsWith('['))
    .map((p) => JSON.parse(p) as unknown[])
    .filter(Array.isArray);
}

const writesQueue = (s: RecordedStatement) => /^(update|delete)\b/i.test(s.sql.trim()) && /WebhookDelivery|DeliveryAttempt/.test(s.sql);

/** No statement carries more rows than the chunk, and every UPDATE / DELETE of the queue is bounded. */
function expectBounded(statements: readonly RecordedStatement[]): void {
  for (const statement of statements) {
    for (const rows of jsonRows(statement)) expect(rows.length, statement.sql).to.be.at.most(ROWS_PER_WRITE);
    if (writesQueue(statement)) {
      expect(statement.sql, 'an unbounded write of the delivery queue').to.match(new RegExp(`top\\s*\\(\\s*${ROWS_PER_WRITE}\\s*\\)`, 'i'));
    }
  }
}

/** Answers a bounded UPDATE or DELETE as if `total` rows matched: full rounds, then the rest, then none. */
function rounds(total: number): () => Record<string, unknown>[] {
  let left = total;
  return () => {
    const n = Math.min(left, ROWS_PER_WRITE);
    left -= n;
    return Array.from({ length: n }, () => ({}));
  };
}

describe('one chunking helper (src/db/chunks.ts)', () => {
  it('cuts a list into slices of at most the size, in order, and refuses a size below 1', () => {
    expect([...chunks([1, 2, 3, 4, 5], 2)]).to.deep.equal([[1, 2], [3, 4], [5]]);
    expect([...chunks([], 3)]).to.deep.equal([]);
    expect(() => [...chunks([1], 0)]).to.throw(RangeError, /positive integer/);
  });

  it('repeats a bounded write until a round touches fewer rows than the bound', async () => {
    const answers = [3, 3, 1];
    let calls = 0;
    expect(await inRounds(3, async () => answers[calls++] as number)).to.equal(7);
    expect(calls).to.equal(3);
    calls = 0;
    expect(await inRounds(3, async () => [9, 0][calls++] as number), 'an engine that leaves it whole').to.equal(9);
  });
});

describe(`SQL Server: no statement touches more than ${ROWS_PER_WRITE} rows (lock escalation)`, () => {
  it(`fans ${ABOVE_CHUNK} events out to two subscriptions in statements of at most ${ROWS_PER_WRITE} rows`, async () => {
    const respond: Responder = (s) => {
      if (s.sql.includes('WebhookSubscription'))
        return [
          { SubscriptionId: 1, EventTypes: '*' },
          { SubscriptionId: 2, EventTypes: 'client.*' },
        ];
      if (s.sql.includes('INSERT INTO integration.OutboxEvent')) {
        return (jsonRows(s)[0] as { ord: number; type: string }[]).map((row) => ({ EventId: row.ord + 1, EventType: row.type }));
      }
      return [];
    };
    const { database, statements } = recordingMssqlDatabase(respond);
    await database.db.transaction().execute((trx) => appendEvents(trx, database.dialect, 1, events(ABOVE_CHUNK), at));
    expectBounded(statements);
    const fanOut = statements.filter((s) => s.sql.includes('INSERT INTO integration.WebhookDelivery'));
    const pairs = fanOut.flatMap((s) => jsonRows(s)[0] as { e: number; s: number }[]);
    expect(pairs).to.have.length(ABOVE_CHUNK * 2);
    expect(new Set(pairs.map((p) => `${p.e}:${p.s}`)).size, 'every pair once').to.equal(ABOVE_CHUNK * 2);
  });

  it(`cancels a backlog of ${ABOVE_CHUNK} deliveries with UPDATE TOP (${ROWS_PER_WRITE}) rounds`, async () => {
    const { database, statements } = recordingMssqlDatabase(rounds(ABOVE_CHUNK));
    expect(await cancelPendingDeliveries(database.db, database.dialect, 7, 'disabled', at)).to.equal(ABOVE_CHUNK);
    expect(statements).to.have.length(3);
    expectBounded(statements);
  });

  it(`recovers ${ABOVE_CHUNK} deliveries: re-queued in UPDATE TOP rounds, missing ones inserted in chunks`, async () => {
    const requeue = rounds(ABOVE_CHUNK);
    let pages = 0;
    const respond: Responder = (s) => {
      if (s.sql.includes('"EventTypes", "Enabled"')) return [{ EventTypes: '*', Enabled: true }];
      if (/^update/i.test(s.sql.trim())) return requeue();
      if (/^select top\(\d+\) "EventId"/.test(s.sql.trim()))
        return pages++ === 0 ? Array.from({ length: 5000 }, (_, i) => ({ EventId: i + 1 })) : [];
      if (s.sql.includes('INSERT INTO integration.WebhookDelivery')) return [{ inserted: (jsonRows(s)[0] as unknown[]).length }];
      return [];
    };
    const { database, statements } = recordingMssqlDatabase(respond);
    expect(await recoverDeliveries(database, 7, new Date('2026-11-01T00:00:00Z'), at)).to.deep.equal({
      requeued: ABOVE_CHUNK,
      fannedOut: 5000,
    });
    expectBounded(statements);
    expect(statements.filter((s) => s.sql.includes('INSERT INTO integration.WebhookDelivery'))).to.have.length(3);
  });

  it(`deletes a subscription with ${ABOVE_CHUNK} deliveries and attempts in DELETE TOP rounds, not one cascade`, async () => {
    const attempts = rounds(ABOVE_CHUNK);
    const deliveries = rounds(ABOVE_CHUNK);
    const respond: Responder = (s) => {
      const text = s.sql.trim();
      if (/^delete top\(\d+\) from "integration"\."DeliveryAttempt"/.test(text)) return attempts();
      if (/^delete top\(\d+\) from "integration"\."WebhookDelivery"/.test(text)) return deliveries();
      if (/^delete from "integration"\."WebhookSubscription"/.test(text)) return [{}];
      return [];
    };
    const { database, statements } = recordingMssqlDatabase(respond);
    expect(await kyselySubscriptionStore(database, { secretOverlapHours: 24 }).delete(7)).to.equal(true);
    expectBounded(statements);
    const kinds = statements.map((s) => s.sql.match(/"(DeliveryAttempt|WebhookDelivery|WebhookSubscription)"/)?.[1] ?? s.sql);
    expect(kinds).to.deep.equal([
      'BEGIN TRANSACTION',
      'DeliveryAttempt',
      'DeliveryAttempt',
      'DeliveryAttempt',
      'WebhookDelivery',
      'WebhookDelivery',
      'WebhookDelivery',
      'WebhookSubscription',
      'COMMIT TRANSACTION',
    ]);
  });
});
