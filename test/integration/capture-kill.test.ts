import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { type Database, openDatabase } from '../../src/db/connect.js';
import { ensureDemoCrm } from '../../src/demo/crm-schema.js';
import { silentLogger } from '../../src/logging/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { captureAll, testCaptureContext } from '../support/capture.js';
import { startCli } from '../support/cli.js';
import { createTestDatabase, MSSQL_URL, TEST_DIALECTS, type TestDatabase } from '../support/databases.js';
import { expectEveryClientOnce, insertClients, maxClientId, openLateTransaction, rolledBackClients } from '../support/late-commits.js';

const open = (url: string, role: string) => openDatabase(parseDatabaseUrl(url), { role, connectTimeoutMs: 15000, poolMax: 5 });

/** The service's count of one event type written, read from its /metrics. */
async function capturedByService(base: string, type: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(new RegExp(`^outbox_events_captured_total\\{type="${type}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
}

for (const dialect of TEST_DIALECTS) {
  describe(`capture: the service killed between recording gaps and re-reading them [${dialect}]`, function () {
    this.timeout(180_000);
    let dir: string;
    let test: TestDatabase | undefined;
    let url: string;
    const others: Database[] = [];

    before(async function () {
      if (dialect === 'mssql' && !MSSQL_URL) {
        console.log('      SQL Server suite skipped: OUTBOX_TEST_MSSQL_URL is not set (capture kill)');
        this.skip();
      }
      dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-kill-'));
      // PGlite is a data directory one process at a time: the service's, then ours again.
      if (dialect === 'pglite') url = `pglite:${path.join(dir, 'store')}`;
      else {
        test = await createTestDatabase(dialect);
        url = test.url;
      }
    });

    after(async function () {
      this.timeout(60_000);
      await Promise.allSettled(others.map((d) => d.close()));
      await test?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('loses nothing and writes nothing twice when the late rows commit after a SIGKILL', async () => {
      let db = await open(url, 'store');
      await migrate(db, silentLogger());
      await ensureDemoCrm(db);
      await captureAll(testCaptureContext(db)); // the watermarks, before the service starts
      const after = await maxClientId(db);
      // A failed import's keys, then a transaction still open above them, then a committed row.
      await rolledBackClients(db, 1000);
      const pending = await openLateTransaction(
        db,
        async () => {
          const another = await open(url, 'late-writer');
          others.push(another);
          return another;
        },
        5,
        'LateKill',
      );
      await insertClients(db.db, 1, 'Above');
      if (dialect === 'pglite') await db.close();

      const config = path.join(dir, 'service.json');
      writeFileSync(
        config,
        JSON.stringify({
          store: { url },
          http: { port: 0 },
          // One pass at start, then nothing for an hour: the kill lands before any re-read.
          capture: { pollIntervalMs: 3_600_000 },
          delivery: { enabled: false },
        }),
      );
      const service = startCli(['run', '--config', config]);
      try {
        const [, base] = await service.waitFor(/HTTP server listening on (http:\/\/\S+)/);
        // The pass that read the row above and recorded the keys below it as gaps has committed.
        for (let i = 0; i < 600 && (await capturedByService(base as string, 'client.created')) < 1; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(await capturedByService(base as string, 'client.created')).to.equal(1);
      } finally {
        service.child.kill('SIGKILL');
        await service.exited;
      }

      if (dialect === 'pglite') db = await open(url, 'store');
      await pending.commit(db);
      await captureAll(testCaptureContext(db));
      await captureAll(testCaptureContext(db));
      await expectEveryClientOnce(db, after);
      await db.close();
    });
  });
}
