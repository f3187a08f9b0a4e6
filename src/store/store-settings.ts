import type { Database } from '../db/connect.js';
import type { DatabaseSettings } from '../db/ports/doctor.js';

/** A database setting the service cannot run with: the CLI exits with the configuration code (2). */
export class PreconditionError extends Error {}

export interface SettingVerdict {
  ok: boolean;
  warn?: boolean;
  detail: string;
  fix?: string;
}

/**
 * Whether the store database's compatibility level runs the service's statements. `alsoCrm`: the
 * store lives in the CRM database, whose level a DBA may not be free to raise.
 */
export function compatibilityVerdict(settings: DatabaseSettings, alsoCrm: boolean): SettingVerdict {
  const { database, compatibilityLevel: level, requiredLevel: needed } = settings;
  if (needed === null) return { ok: true, detail: `database ${database} reports level ${level}; this engine runs OPENJSON at any level` };
  if (level >= needed) return { ok: true, detail: `database ${database} is at level ${level} (OPENJSON needs ${needed})` };
  const separate = alsoCrm
    ? `; if the CRM's level cannot be raised, put the store in a database of its own at ${needed} or higher (store.url) and point source.url at the CRM`
    : '';
  return {
    ok: false,
    detail: `database ${database} is at compatibility level ${level}; crm-outbox needs ${needed} or higher (SQL Server 2016+) for OPENJSON, which every write uses`,
    fix: `ALTER DATABASE [${database.replace(/]/g, ']]')}] SET COMPATIBILITY_LEVEL = ${needed}${separate}`,
  };
}

/** What the row-versioning settings mean for API readers and the polling cursor: a report, never a failure. */
export function rowVersioningReport(settings: DatabaseSettings): SettingVerdict {
  const snapshot = `snapshot isolation ${settings.snapshotIsolation ? 'allowed' : 'not allowed'} (the service does not use it)`;
  if (settings.readCommittedSnapshot) {
    return {
      ok: true,
      detail: `READ_COMMITTED_SNAPSHOT ON in ${settings.database} (Azure SQL's default): API reads see row versions and never wait for capture; the polling cursor reads its cutoff (MIN_ACTIVE_ROWVERSION) before the page, so it skips no event; ${snapshot}`,
    };
  }
  return {
    ok: true,
    warn: true,
    detail: `READ_COMMITTED_SNAPSHOT OFF in ${settings.database}: API reads take shared locks and wait behind capture's open transactions (the cursor still skips no event); ${snapshot}`,
    fix: `ALTER DATABASE [${settings.database.replace(/]/g, ']]')}] SET READ_COMMITTED_SNAPSHOT ON lets pollers read without waiting`,
  };
}

/** Refuses to start the service on a store whose compatibility level would fail every write. */
export async function assertStoreSettings(store: Database, alsoCrm: boolean): Promise<void> {
  const settings = await store.dialect.doctor.databaseSettings(store.db);
  if (!settings) return;
  const verdict = compatibilityVerdict(settings, alsoCrm);
  if (!verdict.ok) throw new PreconditionError(`store ${verdict.detail}: ${verdict.fix}`);
}
