import { expect } from 'chai';
import { sql } from 'kysely';
import { CaptureLoop } from '../../src/capture/capture-loop.js';
import { validateConfig } from '../../src/config/load.js';
import { kyselySubscriptionStore } from '../../src/delivery/subscriptions.js';
import { silentLogger } from '../../src/logging/logger.js';
import { appendEvents } from '../../src/outbox/append-events.js';
import type { EventType } from '../../src/outbox/event-types.js';
import { InstanceBridge } from '../../src/outbox/instance-bridge.js';
import { OutboxSignal } from '../../src/outbox/outbox-signal.js';
import { type Answer, call, keyWith, type RunningApi, startApi } from '../support/api-app.js';
import { testCaptureContext } from '../support/capture.js';
import { describeEachDialect } from '../support/databases.js';
import { testDispatcher } from '../support/dispatcher.js';
import { Receiver } from '../support/receiver.js';

/** Polls cond until it holds; the test's own timeout bounds the wait. */
async function until(cond: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await cond())) await new Promise((resolve) => setTimeout(resolve, 5));
}

// Every loop here polls at most once a minute when idle, longer than a test may run: what these
// tests see arrive can only have come through a nudge, a signal or the adaptive fast poll.
const IDLE_MS = 60_000;

describeEachDialect(
  'real-time delivery and long polling',
  (suite) => {
    let keyCounter = 0;
    const append = async (type: EventType = 'client.created') => {
      keyCounter += 1;
      const event = { type, sourceKey: `rt:${keyCounter}`, createdUtc: new Date(), payload: { n: keyCounter }, metadata: {} };
      await suite.db.db.transaction().execute((trx) => appendEvents(trx, suite.db.dialect, 1, [event]));
      return keyCounter;
    };
    const insertClient = (name: string) =>
      suite.db.db
        .insertInto('dbo.Client')
        .values({
          FirstName: name,
          LastName: 'Realtime',
          Email: null,
          Phone: null,
          StatusID: 42,
          EmployeeID: null,
          AffiliateID: null,
          LeadSource: 'web',
          CreatedDate: '2026-01-28 10:00:00',
        })
        .execute();

    describe('the dispatcher', () => {
      let receiver: Receiver;
      beforeEach(async () => {
        receiver = await Receiver.start();
      });
      afterEach(async () => {
        await receiver.close();
        await suite.db.db.deleteFrom('integration.WebhookSubscription').execute();
      });

      it('is woken by the capture loop as soon as its cycle commits, and the loop probes fast after rows came', async () => {
        await kyselySubscriptionStore(suite.db, { secretOverlapHours: 24 }).create({
          url: `${receiver.url}/hook`,
          eventTypes: ['client.created'],
        });
        const signal = new OutboxSignal();
        const made = testDispatcher(suite.db, { options: { pollIntervalMs: IDLE_MS, minPollIntervalMs: IDLE_MS } });
        const unsubscribe = signal.subscribe(() => made.dispatcher.nudge());
        const loop = new CaptureLoop(testCaptureContext(suite.db, { now: () => new Date() }), {
          pollIntervalMs: IDLE_MS,
          minPollIntervalMs: 20,
          reconcileCron: null,
          onAppended: () => signal.appended(),
        });
        try {
          await loop.runOnce(); // the watermarks
          await made.dispatcher.start(); // its first claim finds nothing: it sleeps a minute
          await loop.start(); // a full pass now, then probes backing off towards a minute
          await insertClient('Nudged');
          await until(() => receiver.requests.length === 1);
          expect(JSON.parse(receiver.requests[0]!.body)).to.deep.include({ type: 'client.created' });
          // Rows keep coming: the probe is fast again and the dispatcher is nudged again.
          await insertClient('Again');
          await until(() => receiver.requests.length === 2);
        } finally {
          unsubscribe();
          await loop.stop();
          await made.close();
        }
      });

      it('after a quiet spell probes the source at the default idle interval of at most 200 ms, and captures the next commit', async () => {
        await kyselySubscriptionStore(suite.db, { secretOverlapHours: 24 }).create({
          url: `${receiver.url}/hook`,
          eventTypes: ['client.created'],
        });
        const defaults = validateConfig({}).capture;
        const signal = new OutboxSignal();
        const made = testDispatcher(suite.db, { options: { pollIntervalMs: IDLE_MS, minPollIntervalMs: IDLE_MS } });
        const unsubscribe = signal.subscribe(() => made.dispatcher.nudge());
        const loop = new CaptureLoop(testCaptureContext(suite.db, { now: () => new Date() }), {
          pollIntervalMs: defaults.pollIntervalMs,
          minPollIntervalMs: defaults.minPollIntervalMs,
          reconcileCron: null,
          onAppended: () => signal.appended(),
        });
        try {
          await loop.runOnce(); // the watermarks
          await made.dispatcher.start();
          await loop.start();
          // Nothing comes: the probes back off all the way to the idle interval.
          await until(() => loop.probeDelayMs === defaults.pollIntervalMs);
          // A commit then waits for one idle probe at most, not the second a lone loop used to sleep.
          expect(loop.probeDelayMs).to.be.at.most(200);
          await insertClient('AfterQuiet');
          await until(() => receiver.requests.length === 1);
          expect(JSON.parse(receiver.requests[0]!.body)).to.deep.include({ type: 'client.created' });
        } finally {
          unsubscribe();
          await loop.stop();
          await made.close();
        }
      });

      it('keeps a nudge that comes while a claim is running, so no wake is lost', async () => {
        await kyselySubscriptionStore(suite.db, { secretOverlapHours: 24 }).create({ url: `${receiver.url}/hook`, eventTypes: ['*'] });
        const made = testDispatcher(suite.db, { options: { pollIntervalMs: IDLE_MS, minPollIntervalMs: IDLE_MS } });
        try {
          made.dispatcher.nudge(); // before start: the loop's first sleep returns at once
          await made.dispatcher.start();
          await append();
          made.dispatcher.nudge();
          await until(() => receiver.requests.length === 1);
        } finally {
          await made.close();
        }
      });
    });

    if (suite.dialect === 'postgres') {
      it('carries a commit to the other instances through LISTEN/NOTIFY, and not back to its sender', async () => {
        const other = await suite.openAnother('other instance');
        const here = { signal: new OutboxSignal(), heard: 0 };
        const there = { signal: new OutboxSignal(), heard: 0 };
        here.signal.subscribe(() => (here.heard += 1));
        there.signal.subscribe(() => (there.heard += 1));
        const bridges = [
          new InstanceBridge(suite.db, here.signal, silentLogger(), 15000),
          new InstanceBridge(other, there.signal, silentLogger(), 15000),
        ];
        try {
          for (const bridge of bridges) await bridge.start();
          expect(bridges[0]!.crossesInstances).to.equal(true);
          here.signal.appended();
          await until(() => there.heard === 1);
          there.signal.appended();
          await until(() => here.heard === 2);
          // Each heard its own commit once (in process) and the other's once (through the store).
          await new Promise((resolve) => setTimeout(resolve, 200));
          expect([here.heard, there.heard]).to.deep.equal([2, 2]);
        } finally {
          for (const bridge of bridges) await bridge.stop();
        }
      });
    }

    // On the PostgreSQL server an event is visible once every older transaction of the whole
    // server has ended (the cursor never skips): on a shared server that can take a moment.
    // So each test waits on a type of its own, and no test expects a page read without waiting
    // to show an event just committed.
    describe('GET /api/v1/events?wait=N', () => {
      let api: RunningApi;
      let signal: OutboxSignal;
      let reader: string;
      const seen = new Set<number>();
      const poll = (query: string) => call(api.base, 'GET', `/api/v1/events?${query}`, reader);
      /** The page's n values, checking that no event is ever returned twice. */
      const ns = (answer: Answer): number[] => {
        expect(answer.status, answer.text).to.equal(200);
        for (const event of answer.body.data as { id: number }[]) {
          expect(seen.has(event.id), `event ${event.id} returned again`).to.equal(false);
          seen.add(event.id);
        }
        return answer.body.data.map((e: { payload: { n: number } }) => e.payload.n);
      };
      const endCursor = async (type: EventType) => {
        let cursor = '';
        for (;;) {
          const page = await poll(`type=${type}&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
          cursor = page.body.next_cursor;
          if (page.body.data.length === 0) return cursor;
        }
      };

      before(async () => {
        signal = new OutboxSignal();
        api = await startApi(suite.db, { api: { rateLimits: { read: { perMinute: 600_000, burst: 5000 } } } }, { signal });
        reader = await keyWith(suite.db, 'events:read');
      });
      after(async () => {
        await api.close();
      });

      it('holds an empty page until a commit, then answers with the event, and the cursor neither skips nor repeats', async () => {
        const cursor = await endCursor('client.created');
        const waiting = poll(`wait=25&type=client.created&cursor=${cursor}`);
        await until(() => api.app.eventWatch.waiting === 1);
        const n = await append('client.created');
        signal.appended();
        const answer = await waiting;
        expect(ns(answer)).to.include(n);
        expect(answer.headers.get('x-paging-cursor')).to.equal(answer.body.next_cursor);
        const n2 = await append('client.created');
        signal.appended();
        expect(ns(await poll(`wait=25&type=client.created&cursor=${answer.body.next_cursor}`))).to.deep.equal([n2]);
        expect(api.app.eventWatch.waiting).to.equal(0);
      });

      it('wakes on a commit that carried no signal (another instance without LISTEN) at the watch poll', async () => {
        const cursor = await endCursor('lead.created');
        const waiting = poll(`wait=25&type=lead.created&cursor=${cursor}`);
        await until(() => api.app.eventWatch.waiting === 1);
        const n = await append('lead.created');
        expect(ns(await waiting)).to.deep.equal([n]);
      });

      if (suite.dialect === 'postgres') {
        it('keeps scanning fast while a signalled event waits for an older transaction of the server to end', async () => {
          const cursor = await endCursor('agreement.signed');
          const other = await suite.openAnother('older transaction');
          let finish!: () => void;
          const finished = new Promise<void>((resolve) => (finish = resolve));
          let began!: () => void;
          const begun = new Promise<void>((resolve) => (began = resolve));
          // A transaction with an id older than the event's: the event stays invisible until it ends.
          const older = other.db.transaction().execute(async (trx) => {
            await sql`SELECT pg_current_xact_id()`.execute(trx);
            began();
            await finished;
          });
          try {
            await begun;
            const waiting = poll(`wait=25&type=agreement.signed&cursor=${cursor}`);
            await until(() => api.app.eventWatch.waiting === 1);
            const n = await append('agreement.signed');
            signal.appended();
            // Scans keep missing the event; they must not back off towards the idle poll.
            const start = api.app.eventWatch.scans;
            await until(() => api.app.eventWatch.scans >= start + 5);
            expect(api.app.eventWatch.plannedScanMs).to.be.at.most(20);
            finish();
            await older;
            // No signal comes for it now: the scans in effect find it.
            expect(ns(await waiting)).to.deep.equal([n]);
          } finally {
            finish();
            await older;
            await other.close();
          }
        });
      }

      it('keeps waiting through events of other types, and wakes for its own', async () => {
        const cursor = await endCursor('payment.failed');
        const waiting = poll(`wait=25&type=payment.failed&cursor=${cursor}`);
        await until(() => api.app.eventWatch.waiting === 1);
        await append('client.status_changed');
        signal.appended();
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(api.app.eventWatch.waiting).to.equal(1);
        const n = await append('payment.failed');
        signal.appended();
        const answer = await waiting;
        expect(ns(answer)).to.deep.equal([n]);
        expect(answer.body.data[0].type).to.equal('payment.failed');
      });

      it('answers an empty page with the same cursor when the time is up', async () => {
        const cursor = await endCursor('document.uploaded');
        const answer = await poll(`wait=1&type=document.uploaded&cursor=${cursor}`);
        expect(answer.status).to.equal(200);
        expect(answer.body).to.deep.equal({ data: [], next_cursor: cursor });
        expect(answer.headers.get('x-paging-cursor')).to.equal(cursor);
        expect(api.app.eventWatch.waiting).to.equal(0);
      });

      it('answers at once when events are already past the cursor', async () => {
        const first = await poll('wait=30&limit=500');
        expect(first.body.data.length).to.be.greaterThan(0);
      });

      it('refuses wait above 30 and wait with order=desc, naming the field', async () => {
        const tooLong = await poll('wait=31');
        expect(tooLong.status).to.equal(400);
        expect(tooLong.body.error.message).to.match(/wait/);
        const desc = await poll('wait=5&order=desc');
        expect(desc.status).to.equal(400);
        expect(desc.body.error.message).to.match(/querystring\.wait/);
      });

      it('frees a long poller that disconnects, and holds no database connection while pollers wait', async () => {
        const cursor = await endCursor('agreement.signed');
        const query = `wait=30&type=agreement.signed&cursor=${cursor}`;
        const gone = new AbortController();
        const abandoned = fetch(`${api.base}/api/v1/events?${query}`, {
          headers: { authorization: `Bearer ${reader}` },
          signal: gone.signal,
        }).catch((error: Error) => error.name);
        // More waiters than the pool has connections: a page read must still be served at once.
        const waiting = Array.from({ length: 12 }, () => poll(query));
        await until(() => api.app.eventWatch.waiting === 13);
        expect((await poll(`type=agreement.signed&cursor=${cursor}`)).status).to.equal(200);
        gone.abort();
        expect(await abandoned).to.equal('AbortError');
        await until(() => api.app.eventWatch.waiting === 12);
        const n = await append('agreement.signed');
        signal.appended();
        for (const answer of await Promise.all(waiting)) {
          expect(answer.body.data.map((e: { payload: { n: number } }) => e.payload.n)).to.deep.equal([n]);
        }
        expect(api.app.eventWatch.waiting).to.equal(0);
      });

      it('answers waiting long polls at once when the server stops', async () => {
        const stopping = await startApi(suite.db);
        const cursor = await endCursor('document.uploaded');
        const waiting = call(stopping.base, 'GET', `/api/v1/events?wait=30&type=document.uploaded&cursor=${cursor}`, reader);
        await until(() => stopping.app.eventWatch.waiting === 1);
        const closed = stopping.close();
        const answer = await waiting;
        await closed;
        expect(answer.status).to.equal(200);
        expect(answer.body).to.deep.equal({ data: [], next_cursor: cursor });
      });

      it('survives 1,000 waiting pollers and wakes them all with one commit', async function () {
        // A thousand sockets, key checks and page reads on a shared two-core machine: room, not speed.
        this.timeout(120_000);
        const cursor = await endCursor('invoice.created');
        const waiting = Array.from({ length: 1000 }, () => poll(`wait=30&type=invoice.created&cursor=${cursor}`));
        await until(() => api.app.eventWatch.waiting === 1000);
        const n = await append('invoice.created');
        signal.appended();
        const answers = await Promise.all(waiting);
        expect(answers.filter((a) => a.status === 200 && a.body.data.length === 1 && a.body.data[0].payload.n === n)).to.have.length(1000);
        expect(api.app.eventWatch.waiting).to.equal(0);
      });
    });
  },
  { demoCrm: true, poolMax: 4 },
);
