import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import winston from 'winston';
import { CaptureLoop } from '../../src/capture/capture-loop.js';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { type Database, openDatabase } from '../../src/db/connect.js';
import { ensureDemoCrm } from '../../src/demo/crm-schema.js';
import { silentLogger } from '../../src/logging/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { testCaptureContext } from '../support/capture.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

/** A TCP relay to the PostgreSQL server that a test can cut and restore, as a network outage would. */
class Relay {
  #server: net.Server | undefined;
  #sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    this.#server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a database outage during a run [postgres]', function () {
  this.timeout(90_000);
  let testDb: TestDatabase;
  let direct: Database;
  let relay: Relay;
  let relayed: Database | undefined;

  before(async () => {
    testDb = await createTestDatabase('postgres');
    direct = await openDatabase(parseDatabaseUrl(testDb.url), { role: 'test', connectTimeoutMs: 10_000, poolMax: 2 });
    await migrate(direct, silentLogger());
    await ensureDemoCrm(direct);
    const url = new URL(testDb.url);
    relay = new Relay({ host: url.hostname, port: Number(url.port || 5432) });
    await relay.up();
  });

  after(async () => {
    await relayed?.close();
    await relay.down();
    await direct.close();
    await testDb.drop();
  });

  it('captures every change made while the store was unreachable, once, and logs the outage once', async () => {
    const url = new URL(testDb.url);
    url.port = String(relay.port);
    relayed = await openDatabase(parseDatabaseUrl(url.toString()), { role: 'store', connectTimeoutMs: 2_000, poolMax: 2 });
    const messages: string[] = [];
    const logger = winston.createLogger({ transports: [new winston.transports.Console({ silent: true })] });
    logger.on('data', (info: { message: string }) => messages.push(info.message));
    const loop = new CaptureLoop(testCaptureContext(relayed, { logger, now: () => new Date() }), {
      pollIntervalMs: 50,
      reconcileCron: null,
    });

    const clientEvents = async () =>
      (await direct.db.selectFrom('integration.OutboxEvent').select('SourceKey').where('SourceKey', 'like', 'dbo.Client:%').execute()).map(
        (r) => r.SourceKey,
      );
    const addClients = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await direct.db
          .insertInto('dbo.Client')
          .values({
            FirstName: 'Out',
            LastName: `Age${i}`,
            Email: null,
            Phone: null,
            StatusID: 10,
            EmployeeID: null,
            AffiliateID: null,
            LeadSource: null,
            CreatedDate: '2026-01-28 12:00:00',
          })
          .execute();
      }
    };

    await loop.start();
    try {
      await until(async () => messages.some((m) => m.startsWith('dbo.Client: capture starts')), 'the first cycle');
      await addClients(5);
      await until(async () => (await clientEvents()).length === 5, 'the first five events');

      await relay.down();
      await addClients(5);
      await until(async () => messages.some((m) => m.includes('unavailable')), 'the outage to be noticed');
      await new Promise((resolve) => setTimeout(resolve, 1500)); // several failed polls while down
      await relay.up();

      await until(async () => (await clientEvents()).length === 10, 'the five changes made during the outage');
    } finally {
      await loop.stop();
    }
    const keys = await clientEvents();
    expect(new Set(keys).size).to.equal(10);
    expect(messages.filter((m) => m.includes('unavailable, retrying with backoff'))).to.have.length(1);
    expect(messages.filter((m) => m.includes('available again after'))).to.have.length(1);
  });
});
