import { expect } from 'chai';
import { isBabelfish } from '../../src/db/dialects/mssql/engine.js';
import { SERVER_ENGINES, useChaosRun } from './support/engines.js';
import { type Behaviour, ChaosReceiver, gzipBomb } from './support/chaos-receiver.js';
import type { Subscription } from './support/chaos-run.js';
import { CrmWriter, sleep } from './support/crm-writer.js';
import { FULL, scaled } from './support/scale.js';

/** The bad endpoints of the issue, each with the answer it always gives. */
const BAD: Record<string, (eventId: string, attempt: number) => Behaviour> = {
  // Every other request fails: each event still gets through on its first or second attempt.
  flaky: (id, attempt) =>
    (Number(id) + attempt) % 2 === 0 ? { kind: 'status', status: 500, body: 'try again' } : { kind: 'status', status: 200 },
  timeout: () => ({ kind: 'hang' }),
  reset: () => ({ kind: 'reset' }),
  slow: () => ({ kind: 'slow-body', status: 200, chunks: 5, everyMs: 100 }),
  moved: () => ({ kind: 'status', status: 301, headers: { location: 'http://127.0.0.1:9/elsewhere' } }),
  gone: () => ({ kind: 'status', status: 410, body: 'unsubscribed' }),
  nul: () => ({ kind: 'status', status: 500, body: 'error\u0000 in handler' }),
  // The 4,000th character is the first half of an emoji: a cut there leaves a lone surrogate.
  emoji: () => ({ kind: 'status', status: 500, body: `${'x'.repeat(3999)}😀 and more` }),
  bomb: () => ({ kind: 'gzip-bomb' }),
};

/** What the delivery rules say each endpoint's deliveries end as. */
const FINAL_STATE: Record<string, string> = {
  flaky: 'succeeded',
  timeout: 'failed',
  reset: 'failed',
  slow: 'succeeded',
  moved: 'failed',
  // The delivery answered 410 fails; the subscription is disabled and what it still had queued is cancelled.
  gone: 'failed,cancelled',
  nul: 'failed',
  emoji: 'failed',
  bomb: 'failed',
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

for (const dialect of SERVER_ENGINES) {
  describe(`chaos 4: receivers that flap beside a healthy one [${dialect}]`, function () {
    this.timeout(scaled(420_000, 1_200_000));
    const world = useChaosRun(dialect);

    /** Healthy-receiver latencies (arrival minus the event's RecordedUtc) of the events with these ids. */
    async function latencies(healthy: ChaosReceiver, fromEventId: number): Promise<number[]> {
      const run = world();
      const rows = await run.store.db
        .selectFrom('integration.OutboxEvent')
        .select(['EventId', 'RecordedUtc'])
        .where('EventId', '>', fromEventId)
        .execute();
      const recorded = new Map(rows.map((r) => [String(r.EventId), new Date(r.RecordedUtc as unknown as string).getTime()]));
      const first = new Map<string, number>();
      for (const a of healthy.arrivals) if (recorded.has(a.eventId) && !first.has(a.eventId)) first.set(a.eventId, a.atMs);
      return [...first].map(([id, at]) => at - recorded.get(id)!);
    }

    async function drained(subscriptions: Subscription[], timeoutMs: number): Promise<void> {
      const run = world();
      const deadline = Date.now() + timeoutMs;
      const ids = subscriptions.map((s) => s.id);
      while (Date.now() < deadline) {
        const pending = await run.store.db
          .selectFrom('integration.WebhookDelivery')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('Status', '=', 'pending')
          .where('SubscriptionId', 'in', ids)
          .executeTakeFirstOrThrow();
        if (Number(pending.n) === 0) return;
        await sleep(250);
      }
    }

    it('each bad endpoint ends as the delivery rules say, and the healthy one keeps its pace', async () => {
      const run = world();
      const perPhase = scaled(110, 2_000);
      // Short retries and timeouts so the bad endpoints reach their final state within the run. The
      // circuit never opens here: it lets one probe through per pause, so a dead endpoint's deliveries
      // would take minutes (an hour in the full run) to use up their retries. Closed, every bad
      // delivery is sent at every retry: the most load the bad endpoints can put beside the healthy one.
      // (The circuit's own pausing is proven in test/integration/delivery.test.ts.)
      const service = await run.addService({
        delivery: {
          retrySchedule: [0.3, 0.6, 1.2],
          timeoutMs: 1000,
          circuit: { failureThreshold: 1_000_000 },
        },
      });
      await service.start();
      const healthy = await run.subscribe(await new ChaosReceiver('healthy').start(), ['*']);
      await run.captureStarted();
      const writer = new CrmWriter(run.store, run.store);
      // Built before anything is measured: its compression is not part of any latency.
      await gzipBomb();

      // Phase 1, the baseline: the healthy endpoint alone.
      await writer.run(perPhase, { lanes: 2, perSecond: scaled(60, 150) });
      await drained([healthy], 120_000);
      const baseline = await latencies(healthy.receiver, 0);
      const lastBaselineEvent = Math.max(...(await run.outboxEvents()).map((e) => Number(e.EventId)));

      // Phase 2: the same load with every bad endpoint subscribed beside it.
      const bad: Subscription[] = [];
      for (const [name, behaviour] of Object.entries(BAD)) {
        const receiver = await new ChaosReceiver(name).start();
        receiver.behaviour = behaviour;
        bad.push(await run.subscribe(receiver, ['agreement.signed']));
      }
      await writer.run(perPhase, { lanes: 2, perSecond: scaled(60, 150) });
      await drained([healthy, ...bad], scaled(120_000, 300_000));
      const withBad = await latencies(healthy.receiver, lastBaselineEvent);

      const states = await run.store.db
        .selectFrom('integration.WebhookDelivery')
        .select(['SubscriptionId', 'Status', (eb) => eb.fn.countAll().as('n')])
        .groupBy(['SubscriptionId', 'Status'])
        .execute();
      const stateOf = (s: Subscription) =>
        Object.fromEntries(states.filter((r) => Number(r.SubscriptionId) === s.id).map((r) => [r.Status, Number(r.n)]));
      const ratio = percentile(withBad, 99) / Math.max(1, percentile(baseline, 99));
      console.log(
        `      flapping receivers: ${JSON.stringify({
          healthyP99Ms: { alone: percentile(baseline, 99), withBadOnes: percentile(withBad, 99), ratio: Number(ratio.toFixed(2)) },
          states: Object.fromEntries([healthy, ...bad].map((s) => [s.receiver.name, stateOf(s)])),
          requests: Object.fromEntries(bad.map((s) => [s.receiver.name, s.receiver.arrivals.length])),
        })}`,
      );

      expect(stateOf(healthy), 'the healthy endpoint').to.deep.equal({ succeeded: (await run.outboxEvents()).length });
      for (const s of bad) {
        const state = stateOf(s);
        const allowed = FINAL_STATE[s.receiver.name]!.split(',');
        expect(Object.keys(state).length, `${s.receiver.name}: ${JSON.stringify(state)}`).to.be.above(0);
        expect(allowed, `${s.receiver.name}: ${JSON.stringify(state)}`).to.include.members(Object.keys(state));
      }
      // Each attempt is in the log, with the body stored as text the engine accepts.
      const attempts = await run.store.db
        .selectFrom('integration.DeliveryAttempt')
        .select(['SubscriptionId', 'HttpStatus', 'ErrorClass', 'ResponseBody'])
        .where(
          'SubscriptionId',
          'in',
          bad.map((s) => s.id),
        )
        .execute();
      const of = (name: string) => attempts.filter((a) => Number(a.SubscriptionId) === bad.find((s) => s.receiver.name === name)!.id);
      expect(
        of('timeout').every((a) => a.ErrorClass === 'timeout'),
        'timeouts logged as timeout',
      ).to.equal(true);
      // Following the 301 would reach the closed port it names and be logged as refused.
      const moved = [...new Set(of('moved').map((a) => `${a.HttpStatus ?? ''}/${a.ErrorClass ?? ''}`))];
      expect(moved, 'redirects logged, not followed').to.include('301/');
      expect(
        moved.some((pair) => pair.endsWith('/refused')),
        `redirect attempts: ${moved.join(' ')}`,
      ).to.equal(false);
      expect(of('nul').length, 'NUL-body attempts recorded').to.be.above(0);
      expect(of('nul').every((a) => !String(a.ResponseBody ?? '').includes('\u0000'))).to.equal(true);
      expect(of('emoji').every((a) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(String(a.ResponseBody ?? '')))).to.equal(true);
      // After the first 410 at most the requests already in flight (one subscription's share) arrive.
      const gone = bad.find((s) => s.receiver.name === 'gone')!;
      const goneRow = await run.store.db
        .selectFrom('integration.WebhookSubscription')
        .select('Enabled')
        .where('SubscriptionId', '=', gone.id)
        .executeTakeFirstOrThrow();
      expect(Boolean(goneRow.Enabled), 'a 410 disables the subscription').to.equal(false);
      expect(gone.receiver.arrivals.length, 'requests to the endpoint that answered 410').to.be.at.most(10);
      expect(service.running && service.kills === 0, 'the service stayed up').to.equal(true);
      // A latency ratio is a measurement: asserted in the full run, printed in the reduced one.
      if (FULL && dialect === 'mssql' && (await isBabelfish(run.store.db))) {
        console.log(
          '      ratio not asserted on Babelfish: the healthy endpoint alone already lags there at this load, and its claims cannot skip locked rows (READPAST is ignored), so the ratio measures the engine, not the dispatcher; SQL Server and PostgreSQL assert it',
        );
      } else if (FULL) expect(ratio, 'healthy p99 with bad endpoints / without').to.be.at.most(2);
    });
  });
}
