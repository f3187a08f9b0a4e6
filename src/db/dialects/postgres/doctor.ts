import { sql } from 'kysely';
import type { DoctorDialect } from '../../ports/doctor.js';

const quoted = (object: string) =>
  object
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');

export const postgresDoctor: DoctorDialect = {
  grantAdvice: 'GRANT them to the service login (see sql/README.md)',
  hiddenObjectsNote: '',
  async serverVersion(db) {
    const result = await sql<{ v: string }>`SELECT version() AS v`.execute(db);
    return (result.rows[0]?.v ?? 'unknown').split(' on ')[0] ?? 'unknown';
  },

  async serverClock(db) {
    const result = await sql<{ utc: Date; local: string }>`
      SELECT now() AS utc, to_char(LOCALTIMESTAMP, 'YYYY-MM-DD"T"HH24:MI:SS') AS local`.execute(db);
    const row = result.rows[0];
    return { utc: new Date(row?.utc ?? 0), local: row?.local ?? '' };
  },

  async objectExists(db, object) {
    const result = await sql<{ ok: boolean }>`SELECT to_regclass(${quoted(object)}) IS NOT NULL AS ok`.execute(db);
    return result.rows[0]?.ok === true;
  },

  async hasPrivilege(db, object, privilege) {
    const result = await sql<{ ok: boolean }>`SELECT has_table_privilege(${quoted(object)}, ${privilege}) AS ok`.execute(db);
    return result.rows[0]?.ok === true;
  },

  async canMigrate(db) {
    const result = await sql<{ ok: boolean }>`SELECT CASE WHEN to_regnamespace('integration') IS NULL
        THEN has_database_privilege(current_database(), 'CREATE')
        ELSE has_schema_privilege('integration', 'CREATE') END AS ok`.execute(db);
    return result.rows[0]?.ok === true;
  },

  // No compatibility level, and readers never wait for writers (MVCC): nothing to report.
  databaseSettings: async () => null,

  async encrypted(db) {
    // pg_stat_ssl answers for the server's backends; PGlite has no network and no such view.
    try {
      const result = await sql<{ ssl: boolean }>`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`.execute(db);
      return result.rows[0]?.ssl ?? null;
    } catch {
      return null;
    }
  },
};
