import { expect } from 'chai';
import { SERVER_ENGINES, useChaosRun } from './support/engines.js';
import { ChaosReceiver } from './support/chaos-receiver.js';
import { summarise } from './support/chaos-run.js';
import { expectNothingLost } from './support/expect-report.js';
import { EVENT_TYPES } from '../../src/outbox/event-types.js';
import { CrmWriter, sleep } from './support/crm-writer.js';
import { EventPoller } from './support/poller.js';
import { scaled } from './support/scale.js';

const between = (low: number, high: number) => low + Math.random() * (high - low);

// The store engines a service process can run on beside a CRM; PGlite is one process's folder (chaos 8).
for (const dialect of SERVER_ENGINES) {
  describe(`chaos 1: the service SIGKILLed again and again while the CRM changes [${dialect}]`, function () {
    this.timeout(scaled(240_000, 1_200_000));
    const world = useChaosRun(dialect);

    it('captures every change once, completes every delivery, and receivers see duplicates only from cut leases', async () => {
      const run = world();
      const changes = scaled(600, 20_000);
      const minimumKills = 5;
      const service = await run.addService();
      await service.start();
      await run.subscribe(await new ChaosReceiver('everything').start(), ['*']);
      await run.subscribe(await new ChaosReceiver('clients').start(), ['client.*', 'lead.created']);
      await run.subscribe(await new ChaosReceiver('money').start(), ['payment.succeeded', 'payment.failed', 'invoice.status_changed']);
      await run.captureStarted();

      const writer = new CrmWriter(run.store, run.store);
      const poller = new EventPoller(() => run.liveUrls(), run.apiKey);
      poller.start();
      const started = Date.now();
      let writing = true;
      const written = writer.run(changes, { lanes: 4, perSecond: scaled(60, 300) }).finally(() => (writing = false));

      const everything = run.subscriptions[0]!.receiver;
      const recoveries: number[] = [];
      while (writing || service.kills < minimumKills) {
        await sleep(between(scaled(800, 2000), scaled(2500, 7000)));
        await run.kill(service);
        const killedAt = Date.now();
        const arrivalsBefore = everything.arrivals.length;
        await sleep(between(0, 500));
        await service.start();
        // Recovered: the restarted process delivers again (new events, or the dead one's after its lease).
        while (writing && everything.arrivals.length === arrivalsBefore && Date.now() - killedAt < 30_000) await sleep(20);
        if (everything.arrivals.length > arrivalsBefore) recoveries.push(Date.now() - killedAt);
      }
      await written;
      const report = await run.converge(writer, poller, scaled(120_000, 600_000));
      await poller.stop();
      const seconds = Math.round((Date.now() - started) / 1000);
      recoveries.sort((a, b) => a - b);
      console.log(
        summarise('SIGKILL run', report, {
          kills: service.kills,
          cutLeases: run.cutLeases,
          recoveryMsMedian: recoveries[Math.floor(recoveries.length / 2)],
          recoveryMsMax: recoveries.at(-1),
          seconds,
          byType: Object.fromEntries(writer.byType),
          writerRetries: writer.failures,
          writerLastError: writer.lastError,
        }),
      );

      expect(service.kills).to.be.at.least(minimumKills);
      for (const type of EVENT_TYPES) expect(writer.byType.get(type) ?? 0, `changes that make ${type}`).to.be.above(0);
      expectNothingLost(report, run.cutLeases);
    });
  });
}
