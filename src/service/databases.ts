import { parseDatabaseUrl } from '../config/database-url.js';
import type { Config } from '../config/schema.js';
import { type Database, openDatabase } from '../db/connect.js';
import { assertSchemaCurrent } from '../store/migrate.js';

export interface OpenDatabases {
  store: Database;
  source: Database;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Serve an embedded store to other `outbox` commands while this process holds it. */
  serveEmbedded?: boolean;
}

export async function openStore(config: Config, options: OpenOptions = {}): Promise<Database> {
  return openDatabase(parseDatabaseUrl(config.store.url), {
    role: 'store',
    connectTimeoutMs: config.store.connectTimeoutMs,
    poolMax: config.store.poolMax,
    lockTimeoutMs: config.store.lockTimeoutMs,
    requestTimeoutMs: config.store.requestTimeoutMs,
    serveEmbedded: options.serveEmbedded === true,
  });
}

/**
 * The store for a command that reads or writes its tables: refused with the schema error (exit 4,
 * naming `outbox migrate`) when migrations are pending, rather than a raw "relation does not exist".
 */
export async function openCurrentStore(config: Config): Promise<Database> {
  const store = await openStore(config);
  try {
    await assertSchemaCurrent(store);
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Opens the store and the source; one pool serves both when they are the same database. */
export async function openDatabases(config: Config, options: OpenOptions = {}): Promise<OpenDatabases> {
  const store = await openStore(config, options);
  if (config.source.url === null || config.source.url === config.store.url) {
    return { store, source: store, close: () => store.close() };
  }
  let source: Database;
  try {
    source = await openDatabase(parseDatabaseUrl(config.source.url), {
      role: 'source',
      connectTimeoutMs: config.source.connectTimeoutMs,
      poolMax: config.source.poolMax,
      lockTimeoutMs: config.source.lockTimeoutMs,
      requestTimeoutMs: config.source.requestTimeoutMs,
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    store,
    source,
    close: async () => {
      await Promise.allSettled([source.close(), store.close()]);
    },
  };
}
