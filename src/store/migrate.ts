import { sql } from 'kysely';
import type { Database } from '../db/connect.js';
import type { Logger } from '../logging/logger.js';
import { listMigrationFiles, type MigrationFile } from './migration-files.js';

/** The store's schema does not match the files: the CLI exits with code 4. */
export class SchemaError extends Error {}

const MIGRATION_LOCK = 'outbox:migrate';

export interface AppliedMigration {
  Version: number;
  Name: string;
  Checksum: string;
}

export interface SchemaState {
  applied: AppliedMigration[];
  pending: MigrationFile[];
  latest: number;
  current: number;
}

async function readApplied(store: Database): Promise<AppliedMigration[] | null> {
  if (!(await store.dialect.migration.migrationLogExists(store.db))) return null;
  return store.db.selectFrom('integration.SchemaMigration').select(['Version', 'Name', 'Checksum']).orderBy('Version').execute();
}

/** Compares the migration log with the files, refusing an applied file that was edited since. */
export async function readSchemaState(store: Database): Promise<SchemaState> {
  const files = listMigrationFiles(store.dialect.name);
  const applied = (await readApplied(store)) ?? [];
  verifyChecksums(files, applied);
  const done = new Set(applied.map((row) => row.Version));
  return {
    applied,
    pending: files.filter((file) => !done.has(file.version)),
    latest: files.at(-1)?.version ?? 0,
    current: applied.reduce((max, row) => Math.max(max, row.Version), 0),
  };
}

function verifyChecksums(files: MigrationFile[], applied: AppliedMigration[]): void {
  const byVersion = new Map(files.map((file) => [file.version, file]));
  for (const row of applied) {
    const file = byVersion.get(row.Version);
    if (!file) {
      throw new SchemaError(
        `store schema is at version ${row.Version} (${row.Name}), newer than this release knows; upgrade the service or restore the database`,
      );
    }
    if (file.checksum !== row.Checksum.trim()) {
      throw new SchemaError(
        `migration ${file.file} was changed after it was applied (checksum ${row.Checksum.trim().slice(0, 12)}… in the store, ${file.checksum.slice(0, 12)}… on disk); restore the original file and add a new numbered migration instead`,
      );
    }
  }
}

/**
 * Applies every pending file, each in its own transaction under the migration lock. With nothing
 * pending it runs no DDL at all, so a login with only the rights the service needs to run
 * (sql/README.md) can start it.
 */
export async function migrate(store: Database, logger: Logger): Promise<MigrationFile[]> {
  const { dialect, db } = store;
  if ((await readSchemaState(store)).pending.length === 0) return [];
  await db.transaction().execute(async (trx) => {
    await dialect.lockForTransaction(trx, MIGRATION_LOCK, true);
    for (const batch of dialect.migration.splitBatches(dialect.migration.bootstrapScript())) {
      await sql.raw(batch).execute(trx);
    }
  });
  const { pending } = await readSchemaState(store);
  const applied: MigrationFile[] = [];
  for (const file of pending) {
    const ran = await db.transaction().execute(async (trx) => {
      await dialect.lockForTransaction(trx, MIGRATION_LOCK, true);
      // Another instance may have applied it while this one waited for the lock.
      const already = await trx
        .selectFrom('integration.SchemaMigration')
        .select('Version')
        .where('Version', '=', file.version)
        .executeTakeFirst();
      if (already) return false;
      await trx
        .insertInto('integration.SchemaMigration')
        .values({ Version: file.version, Name: file.name, Checksum: file.checksum })
        .execute();
      for (const batch of dialect.migration.splitBatches(file.sql)) {
        await sql.raw(batch).execute(trx);
      }
      return true;
    });
    if (ran) {
      applied.push(file);
      logger.info(`applied migration ${String(file.version).padStart(4, '0')}_${file.name}`, { component: 'migrate' });
    }
  }
  return applied;
}

/** For a service started without DDL rights: the schema must already be current. */
export async function assertSchemaCurrent(store: Database): Promise<SchemaState> {
  const state = await readSchemaState(store);
  if (state.pending.length > 0) {
    const names = state.pending.map((file) => `${String(file.version).padStart(4, '0')}_${file.name}`).join(', ');
    throw new SchemaError(
      `store schema is at version ${state.current} but this release needs ${state.latest} (pending: ${names}); run 'outbox migrate', or 'outbox migrate --print' for a DBA to run`,
    );
  }
  return state;
}

/** The script a DBA runs by hand: everything pending (or everything, for a new database). */
export function printableScript(store: Pick<Database, 'dialect'>, files: readonly MigrationFile[]): string {
  return store.dialect.migration.printableScript(files);
}
