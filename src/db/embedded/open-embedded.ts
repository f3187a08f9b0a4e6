import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type Dialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PG_PARSERS } from '../type-parsers.js';
import { GatedPgliteDialect } from './gated-dialect.js';
import { SessionGate } from './session-gate.js';
import { serveEmbeddedStore } from './socket-server.js';
import { acquireStoreLock, describeOwner, StoreBusyError, type StoreOwner } from './store-lock.js';

export interface EmbeddedOptions {
  /** Serve the store on loopback for other `outbox` commands while this process holds it. */
  serve: boolean;
  /** How long to wait for another command that holds the store without serving it. */
  waitMs: number;
  /** Wraps the PGlite client for Kysely (scripts through exec()). */
  wrap: (client: PGlite) => PGlite;
}

export interface EmbeddedStore {
  dialect: Dialect;
  /** Where this process serves the store, or where the process that holds it does. */
  served: { host: string; port: number } | null;
  /** Set when the store is reached through the process that holds it. */
  heldBy: StoreOwner | null;
  /** Runs after Kysely is destroyed: stops serving and gives the lock back. */
  release(): Promise<void>;
}

/**
 * Opens an embedded store folder for this process alone (a lock beside the folder), or, while
 * a running service holds it, connects to the service, which serves it over the PostgreSQL protocol.
 */
export async function openEmbeddedStore(dataDir: string, options: EmbeddedOptions): Promise<EmbeddedStore> {
  const lock = await acquireStoreLock(dataDir, {
    waitMs: options.waitMs,
    onCompromised: (error) => {
      process.stderr.write(`error: lost the lock on the embedded store ${dataDir} (${error.message}); stopping to keep it intact\n`);
      process.exit(1);
    },
  });
  if (!('release' in lock)) {
    if (options.serve) {
      throw new StoreBusyError(
        `the embedded store ${dataDir} is already open in ${describeOwner(lock)}: stop that one first (Ctrl-C in its terminal, or kill ${lock.pid}); ` +
          'while it runs, other outbox commands (status, keys, deliveries, doctor) reach the store through it',
      );
    }
    return connectToHolder(lock);
  }
  try {
    await createIfAbsent(dataDir);
    const client = await PGlite.create({ dataDir, parsers: PG_PARSERS });
    const gate = new SessionGate();
    const dialect = new GatedPgliteDialect(options.wrap(client), gate);
    const server = options.serve ? await serveEmbeddedStore(client, gate) : null;
    if (server) lock.announce({ host: server.host, port: server.port });
    return {
      dialect,
      served: server ? { host: server.host, port: server.port } : null,
      heldBy: null,
      release: async () => {
        await server?.close();
        if (!client.closed) await client.close().catch(() => undefined);
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

function connectToHolder(owner: StoreOwner): EmbeddedStore {
  const served = owner.served as { host: string; port: number };
  // One connection: the holder runs one session at a time anyway, and a command's code never
  // needs two at once.
  const pool = new pg.Pool({
    host: served.host,
    port: served.port,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    application_name: `crm-outbox via ${describeOwner(owner)}`,
    types: {
      getTypeParser: ((oid: number, format?: string) => PG_PARSERS[oid] ?? pg.types.getTypeParser(oid, format as never)) as never,
    },
  });
  pool.on('error', () => undefined);
  return { dialect: new PostgresDialect({ pool }), served, heldBy: owner, release: async () => undefined };
}

/**
 * A new store is made in a scratch folder and renamed into place once PGlite has closed it, so
 * a crash during the first start leaves no half-made store behind (the next start makes it anew).
 */
async function createIfAbsent(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    const aside = `${dataDir}.unfinished-${Date.now()}`;
    renameSync(dataDir, aside);
    process.stderr.write(`warning: ${dataDir} held an unfinished store (no PG_VERSION); moved it to ${aside}\n`);
  }
  const scratch = `${dataDir}.creating`;
  rmSync(scratch, { recursive: true, force: true });
  const client = await PGlite.create({ dataDir: scratch });
  await client.close();
  rmSync(dataDir, { recursive: true, force: true });
  renameSync(scratch, dataDir);
}
