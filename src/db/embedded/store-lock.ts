import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/** Who holds an embedded store, written beside it for the next process to read. */
export interface StoreOwner {
  pid: number;
  hostname: string;
  command: string;
  startedAt: string;
  /** Where the holder serves the store over the PostgreSQL protocol, if it does. */
  served: { host: string; port: number } | null;
}

export interface StoreLock {
  /** Records that this process serves the store, so other commands connect instead of waiting. */
  announce(served: StoreOwner['served']): void;
  release(): Promise<void>;
}

/** The store is held by another live process; the message names it and what to do. */
export class StoreBusyError extends Error {}

// The lock is a directory whose mtime the holder refreshes; a holder killed with SIGKILL stops
// refreshing, so its lock goes stale after STALE_MS and the next process takes it over (at once
// when the owner file names a process of this host that is gone).
const STALE_MS = 15_000;
const UPDATE_MS = 3_000;
// A holder named in the owner file that no longer exists on this host cannot refresh its lock: once
// the lock is this old it is not a lock someone took a moment ago (whose owner file is not written
// yet), so it is marked stale at once instead of after STALE_MS.
const DEAD_HOLDER_GRACE_MS = 2_000;

/**
 * Whether a lock can be taken over before it goes stale by itself: its recorded holder runs on this
 * host and is gone, and nobody has refreshed or made the lock for a moment.
 */
export function isDeadHoldersLock(ownerGone: boolean, lockModifiedMs: number, nowMs: number): boolean {
  return ownerGone && nowMs - lockModifiedMs >= DEAD_HOLDER_GRACE_MS;
}

function markStale(dataDir: string): void {
  try {
    if (isDeadHoldersLock(true, statSync(lockPath(dataDir)).mtimeMs, Date.now())) {
      const past = new Date(Date.now() - 2 * STALE_MS);
      utimesSync(lockPath(dataDir), past, past);
    }
  } catch {
    // The lock was released or taken meanwhile: the next attempt finds out.
  }
}

export function lockPath(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

function ownerPath(dataDir: string): string {
  return `${path.resolve(dataDir)}.owner.json`;
}

export function readOwner(dataDir: string): StoreOwner | null {
  try {
    return JSON.parse(readFileSync(ownerPath(dataDir), 'utf8')) as StoreOwner;
  } catch {
    return null;
  }
}

/** Whether the process is alive on this machine (a holder on another host cannot be checked). */
export function isOwnerAlive(owner: StoreOwner): boolean {
  if (owner.hostname !== os.hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function describeOwner(owner: StoreOwner): string {
  const command = owner.command ? `outbox ${owner.command}` : 'outbox';
  return `process ${owner.pid} (${command}, since ${owner.startedAt})`;
}

export interface LockOptions {
  /** How long to wait for a live holder that does not serve the store (another short command). */
  waitMs: number;
  /** Called when the holder's lock is compromised (its directory removed or taken over). */
  onCompromised: (error: Error) => void;
}

/**
 * Takes the embedded store's lock for this process, waiting while a live holder finishes, and
 * for a dead holder's lock to go stale. When a live holder serves the store the
 * caller connects to it instead (the owner is returned).
 */
export async function acquireStoreLock(dataDir: string, options: LockOptions): Promise<StoreLock | StoreOwner> {
  mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    try {
      const release = await lockfile.lock(path.resolve(dataDir), {
        realpath: false,
        lockfilePath: lockPath(dataDir),
        stale: STALE_MS,
        update: UPDATE_MS,
        onCompromised: options.onCompromised,
      });
      return ownLock(dataDir, release);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    const owner = readOwner(dataDir);
    if (owner && owner.served && isOwnerAlive(owner)) return owner;
    const ownerGone = owner !== null && !isOwnerAlive(owner);
    if (ownerGone) markStale(dataDir);
    // A dead holder's lock goes stale by itself: wait for that rather than for waitMs.
    if (!ownerGone && Date.now() >= deadline) {
      throw new StoreBusyError(
        `the embedded store ${dataDir} is in use by ${owner ? describeOwner(owner) : 'another process'}; ` +
          `wait for it to finish or stop it${owner ? ` (kill ${owner.pid})` : ''}, then run this command again`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function ownLock(dataDir: string, release: () => Promise<void>): StoreLock {
  const owner: StoreOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    command: process.argv.slice(2).join(' '),
    startedAt: new Date().toISOString(),
    served: null,
  };
  const write = () => writeFileSync(ownerPath(dataDir), `${JSON.stringify(owner)}\n`);
  write();
  return {
    announce(served) {
      owner.served = served;
      write();
    },
    async release() {
      if (existsSync(ownerPath(dataDir)) && readOwner(dataDir)?.pid === process.pid) rmSync(ownerPath(dataDir), { force: true });
      await release().catch(() => undefined);
    },
  };
}
