import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { acquireStoreLock, isDeadHoldersLock, lockPath, readOwner } from '../../src/db/embedded/store-lock.js';

describe('the embedded store lock after its holder died', () => {
  it('is taken over at once only when its recorded holder is gone and nobody touched it for a moment', () => {
    const now = 1_000_000;
    expect(isDeadHoldersLock(true, now - 5_000, now)).to.equal(true);
    expect(isDeadHoldersLock(true, now - 100, now), 'just made by a process whose owner file is not written yet').to.equal(false);
    expect(isDeadHoldersLock(false, now - 60_000, now), 'a live holder, however late its refresh').to.equal(false);
  });

  it('goes to the next process when the owner file names a process of this host that has exited', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'outbox-store-lock-'));
    const dataDir = path.join(folder, 'store');
    try {
      // A process that existed and is gone: its pid is free (reuse within the test is improbable).
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
      mkdirSync(lockPath(dataDir));
      const earlier = new Date(Date.now() - 5_000);
      utimesSync(lockPath(dataDir), earlier, earlier);
      writeFileSync(
        `${dataDir}.owner.json`,
        JSON.stringify({ pid: Number(gone), hostname: os.hostname(), command: 'run', startedAt: earlier.toISOString(), served: null }),
      );
      const lock = await acquireStoreLock(dataDir, { waitMs: 0, onCompromised: () => undefined });
      expect(lock).to.have.property('release');
      expect(readOwner(dataDir)?.pid).to.equal(process.pid);
      await (lock as { release(): Promise<void> }).release();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
