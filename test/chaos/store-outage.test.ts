import { expect } from 'chai';
import { ChaosReceiver } from './support/chaos-receiver.js';
import { ChaosRun, summarise } from './support/chaos-run.js';
import { CrmWriter, sleep } from './support/crm-writer.js';
import { expectNothingLost } from './support/expect-report.js';
import { OwnPostgres, postgresBin } from './support/own-postgres.js';
import { EventPoller } from './support/poller.js';
import { scaled } from './support/scale.js';
import { notOnTsqlEngine } from './support/engines.js';

describe('chaos 3: the store database stopped and started twice mid-run [postgres, own server]', function () {
  this.timeout(scaled(240_000, 900_000));
  let server: OwnPostgres | undefined;
  let run: ChaosRun | undefined;

  before(async function () {
    if (!postgresBin()) {
      console.log('      skipped: no PostgreSQL server binaries under /usr/lib/postgresql to run a server of our own');
      this.skip();
    }
    this.timeout(120_000);
    server = await OwnPostgres.create();
    run = await ChaosRun.open(server.url);
  });
  after(async () => {
    await run?.close();
    await server?.destroy();
  });

  it('stays up, logs one line when each outage starts and one when it ends, recovers and loses nothing', async () => {
    const world = run!;
    const changes = scaled(500, 10_000);
    const service = await world.addService();
    await service.start();
    await world.subscribe(await new ChaosReceiver('everything').start(), ['*']);
    await world.captureStarted();

    const writer = new CrmWriter(world.store, world.store);
    const poller = new EventPoller(() => world.liveUrls(), world.apiKey);
    poller.start();
    let databaseDown = false;
    const written = writer.run(changes, { lanes: 4, perSecond: scaled(60, 300), paused: () => databaseDown });

    const recoveries: number[] = [];
    for (const [mode, downMs] of [
      ['fast', scaled(3_000, 10_000)],
      ['immediate', scaled(3_000, 10_000)],
    ] as const) {
      await sleep(scaled(2_500, 8_000));
      // The CRM lives in the same database: its writers stop with it, each act committed or not begun.
      databaseDown = true;
      await writer.settled();
      const leasedBefore = await world.leasesHeld();
      await server!.stop(mode);
      await sleep(downMs);
      await server!.start();
      await world.countLeasesCutByOutage(leasedBefore);
      const upAt = Date.now();
      const arrivals = world.subscriptions[0]!.receiver.arrivals.length;
      databaseDown = false;
      while (world.subscriptions[0]!.receiver.arrivals.length === arrivals && Date.now() - upAt < 60_000) await sleep(20);
      recoveries.push(Date.now() - upAt);
    }
    await written;
    const report = await world.converge(writer, poller, scaled(120_000, 300_000));
    await poller.stop();

    const outageStarts = service.logLines(/unavailable, retrying with backoff/);
    const outageEnds = service.logLines(/available again after/);
    console.log(
      summarise('store outages', report, {
        outages: 2,
        cutLeases: world.cutLeases,
        recoveryMsAfterRestart: recoveries,
        outageLogLines: { starts: outageStarts.length, ends: outageEnds.length },
        writerRetries: writer.failures,
      }),
    );
    expect(service.running && service.kills === 0, 'the service process stayed up').to.equal(true);
    // One line per part of the service that noticed (capture, delivery, ...) and per outage, never one per poll.
    const parts = new Set(outageStarts.map((line) => (JSON.parse(line) as { message: string }).message.split(' unavailable')[0]));
    expect(outageStarts.length, outageStarts.join('\n')).to.be.at.most(2 * parts.size);
    expect(outageStarts.length).to.be.at.least(2);
    expect(outageEnds.length, outageEnds.join('\n')).to.equal(outageStarts.length);
    expectNothingLost(report, world.cutLeases);
  });
});

notOnTsqlEngine(
  'chaos 3: the store database stopped and started twice mid-run',
  'it stops and starts a PostgreSQL server of its own (pg_ctl); the T-SQL engine is a shared server this suite does not stop',
);
