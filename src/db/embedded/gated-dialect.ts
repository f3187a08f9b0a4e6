import type { DatabaseConnection, Driver, TransactionSettings } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { PGlite } from '@electric-sql/pglite';
import type { SessionGate } from './session-gate.js';

/** The PGlite dialect whose every connection holds the session gate while it is out. */
export class GatedPgliteDialect extends PGliteDialect {
  constructor(
    client: PGlite,
    private readonly gate: SessionGate,
  ) {
    super(client);
  }

  override createDriver(): Driver {
    return new GatedDriver(super.createDriver(), this.gate);
  }
}

class GatedDriver implements Driver {
  #holder: object | null = null;

  constructor(
    private readonly inner: Driver,
    private readonly gate: SessionGate,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const holder = {};
    await this.gate.enter(holder);
    this.#holder = holder;
    return this.inner.acquireConnection();
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection(connection);
    this.gate.leave(this.#holder);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
