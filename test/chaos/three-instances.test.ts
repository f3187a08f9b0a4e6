import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { ChaosReceiver } from './support/chaos-receiver.js';
import { ChaosRun, summarise } from './support/chaos-run.js';
import { CrmWriter, sleep } from './support/crm-writer.js';
import { expectNothingLost } from './support/expect-report.js';
import { EventPoller } from './support/poller.js';
import { FULL, scaled } from './support/scale.js';
import { notOnTsqlEngine } from './support/engines.js';

/** The deliveries one instance made, from its own Prometheus counter. */
async function deliveredBy(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = text.match(/^outbox_deliveries_total\{outcome="succeeded"\} (\d+)/m);
  return Number(match?.[1] ?? 0);
}

describe('chaos 2: three instances at once, one killed [postgres]', function () {
  this.timeout(scaled(240_000, 900_000));
  let testDb: TestDatabase;
  let run: ChaosRun;

  before(async function () {
    if (!FULL) {
      console.log('      left out of the reduced run (three service processes do not fit npm test on 2 cores): npm run test:chaos runs it');
      this.skip();
    }
    testDb = await createTestDatabase('postgres');
    run = await ChaosRun.open(testDb.url);
  });
  after(async () => {
    await run?.close();
    await testDb?.drop();
  });

  it('all capture safely and all deliver; after one is killed the others carry on within a lease', async () => {
    const changes = scaled(1_500, 10_000);
    const instances = [await run.addService(), await run.addService(), await run.addService()];
    await Promise.all(instances.map((s) => s.start()));
    await run.subscribe(await new ChaosReceiver('everything').start(), ['*']);
    await run.subscribe(await new ChaosReceiver('leads').start(), ['lead.created', 'client.status_changed']);
    await run.captureStarted();

    const writer = new CrmWriter(run.store, run.store);
    const poller = new EventPoller(() => run.liveUrls(), run.apiKey);
    poller.start();
    const written = writer.run(changes, { lanes: 4, perSecond: scaled(150, 300) });

    await sleep(scaled(4_000, 15_000));
    const victim = instances[1]!;
    const deliveredBeforeKill = await Promise.all(instances.map((s) => deliveredBy(s.url)));
    await run.kill(victim);
    const killedAt = Date.now();
    const eventsAtKill = (await run.outboxEvents()).length;
    // The survivors keep capturing: a new event appears without the victim.
    while ((await run.outboxEvents()).length === eventsAtKill && Date.now() - killedAt < 30_000) await sleep(50);
    const captureRecoveryMs = Date.now() - killedAt;
    const capturedAfterKill = (await run.outboxEvents()).length > eventsAtKill;

    await written;
    const report = await run.converge(writer, poller, scaled(120_000, 300_000));
    await poller.stop();
    const deliveredAfter = await Promise.all(instances.filter((s) => s.running).map((s) => deliveredBy(s.url)));
    console.log(
      summarise('three instances', report, {
        cutLeases: run.cutLeases,
        captureRecoveryMs,
        deliveredBeforeKill,
        survivorsDeliveredInAll: deliveredAfter,
        captureLockBusyLines: instances.reduce((n, s) => n + s.logLines(/capture lock|another instance/i).length, 0),
      }),
    );

    deliveredBeforeKill.forEach((count, i) => expect(count, `deliveries by instance ${i + 1} before the kill`).to.be.above(0));
    expect(capturedAfterKill, 'the survivors captured after the kill').to.equal(true);
    expectNothingLost(report, run.cutLeases);
  });
});

notOnTsqlEngine(
  'chaos 2: three instances at once, one killed',
  'not ported to the T-SQL engine yet (chaos 1 covers SIGKILL and restart there)',
);
