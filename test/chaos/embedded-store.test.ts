import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runCli } from '../support/cli.js';
import { sleep } from './support/crm-writer.js';
import { FULL, scaled } from './support/scale.js';
import { chaosConfig, freePort, ServiceProcess } from './support/service-process.js';
import { notOnTsqlEngine } from './support/engines.js';

describe('chaos 8: the embedded store killed while a second command uses its folder [pglite]', function () {
  this.timeout(scaled(300_000, 900_000));
  let folder: string | undefined;

  before(function () {
    if (!FULL) {
      console.log('      left out of the reduced run (each embedded-store start takes many seconds): npm run test:chaos runs it');
      this.skip();
    }
    folder = mkdtempSync(path.join(os.tmpdir(), 'outbox-chaos-pglite-'));
  });
  after(() => folder && rmSync(folder, { recursive: true, force: true }));

  it('opens again after every kill and keeps everything that was committed', async () => {
    const rounds = scaled(3, 10);
    const dir = folder!;
    const storeUrl = `pglite:${path.join(dir, 'store')}`;
    const env = { OUTBOX_STORE_URL: storeUrl };
    const port = await freePort();
    const service = new ServiceProcess('embedded', dir, port, chaosConfig(storeUrl, port, { demo: { eventsPerSecond: 40 } }));

    const migrated = await runCli(['migrate'], env);
    expect(migrated.code, migrated.stderr).to.equal(0);
    const reader = await runCli(['keys', 'create', '--name', 'reader', '--scopes', 'events:read', '--json'], env);
    expect(reader.code, reader.stderr).to.equal(0);
    const readerKey = (JSON.parse(reader.stdout) as { key: string }).key;
    const committedKeys: string[] = ['reader'];
    const seenEvents = new Set<string>();
    const secondCommands: { round: number; command: string; code: number | null; stderr: string }[] = [];

    const readAllEvents = async (): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (;;) {
        const query = new URLSearchParams({ limit: '500', ...(cursor ? { cursor } : {}) });
        const response = await fetch(`${service.url}/api/v1/events?${query}`, { headers: { authorization: `Bearer ${readerKey}` } });
        expect(response.status).to.equal(200);
        const page = (await response.json()) as { data: { id: number | string }[]; next_cursor: string | null };
        ids.push(...page.data.map((e) => String(e.id)));
        if (page.data.length === 0 || !page.next_cursor) return ids;
        cursor = page.next_cursor;
      }
    };

    for (let round = 1; round <= rounds; round++) {
      await service.start(['--demo']);
      const stored = new Set(await readAllEvents());
      const lost = [...seenEvents].filter((id) => !stored.has(id));
      expect(lost, `round ${round}: events read before the last kill and gone after it`).to.deep.equal([]);
      await sleep(1_000 + Math.random() * 1_500);
      (await readAllEvents()).forEach((id) => seenEvents.add(id));

      // A second command on the same folder, and the service killed while it runs.
      const name = `round${round}`;
      const args = round % 2 === 0 ? ['status', '--json'] : ['keys', 'create', '--name', name, '--scopes', 'events:read', '--json'];
      const second = runCli(args, env, 120_000);
      await sleep(Math.random() * 300);
      await service.kill();
      const result = await second;
      secondCommands.push({ round, command: args.slice(0, 2).join(' '), code: result.code, stderr: result.stderr.trim().slice(0, 200) });
      // It either did its work or refused in one clean line: never a stack, never a half-written store.
      if (result.code !== 0) {
        expect(result.stderr, `round ${round}: ${args.join(' ')}`).not.to.match(/\n\s+at /);
        expect(result.stderr.trim().split('\n'), result.stderr).to.have.length(1);
      } else if (args[0] === 'keys') committedKeys.push(name);
    }

    // One more start: the folder opens and holds every key and event that was committed.
    await service.start(['--demo']);
    const finalEvents = new Set(await readAllEvents());
    await service.stop();
    const listed = await runCli(['keys', 'list', '--json'], env);
    expect(listed.code, listed.stderr).to.equal(0);
    const names = (JSON.parse(listed.stdout) as { name: string }[]).map((k) => k.name);
    console.log(
      `      embedded store: ${JSON.stringify({ rounds, eventsSeen: seenEvents.size, finalEvents: finalEvents.size, committedKeys, secondCommands })}`,
    );
    expect(
      [...seenEvents].filter((id) => !finalEvents.has(id)),
      'events lost',
    ).to.deep.equal([]);
    for (const key of committedKeys) expect(names, `key ${key} reported created`).to.include(key);
  });
});

notOnTsqlEngine(
  'chaos 8: the embedded store killed while a second command uses its folder',
  'the embedded store is PGlite; there is no embedded T-SQL store',
);
