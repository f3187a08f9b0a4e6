import { sql } from 'kysely';
import type { DoctorDialect } from '../../ports/doctor.js';

/** OPENJSON, which every write of the service uses, needs compatibility level 130 (SQL Server 2016). */
export const OPENJSON_LEVEL = 130;

export const mssqlDoctor: DoctorDialect = {
  grantAdvice: 'grant them with sql/mssql/grants.sql (see sql/README.md)',
  hiddenObjectsNote: ' (or this login has no right to see them)',
  async serverVersion(db) {
    const result = await sql<{
      v: string;
    }>`SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(50)) + N' ' + CAST(SERVERPROPERTY('Edition') AS nvarchar(100)) AS v`.execute(
      db,
    );
    return `SQL Server ${result.rows[0]?.v ?? 'unknown'}`;
  },

  async serverClock(db) {
    const result = await sql<{ utc: Date; local: string }>`
      SELECT SYSUTCDATETIME() AS utc, CONVERT(nvarchar(19), SYSDATETIME(), 126) AS local`.execute(db);
    const row = result.rows[0];
    // Babelfish ignores CONVERT's style 126 and puts a space where SQL Server puts the 'T'.
    return { utc: new Date(row?.utc ?? 0), local: (row?.local ?? '').replace(' ', 'T') };
  },

  async objectExists(db, object) {
    const result = await sql<{ ok: number }>`SELECT CASE WHEN OBJECT_ID(${object}) IS NULL THEN 0 ELSE 1 END AS ok`.execute(db);
    return result.rows[0]?.ok === 1;
  },

  async hasPrivilege(db, object, privilege) {
    // https://learn.microsoft.com/sql/t-sql/functions/has-perms-by-name-transact-sql
    const result = await sql<{ ok: number }>`SELECT HAS_PERMS_BY_NAME(${object}, N'OBJECT', ${privilege}) AS ok`.execute(db);
    return result.rows[0]?.ok === 1;
  },

  async canMigrate(db) {
    // The bootstrap creates the schema owned by dbo, which takes CREATE SCHEMA and IMPERSONATE on
    // dbo; in an existing schema, migrations create tables (CREATE TABLE and ALTER on the schema)
    // with foreign keys between them (REFERENCES).
    const result = await sql<{ ok: number }>`SELECT CASE WHEN HAS_PERMS_BY_NAME(NULL, N'DATABASE', N'CREATE TABLE') = 1
        AND (CASE WHEN SCHEMA_ID(N'integration') IS NULL
                  THEN CASE WHEN HAS_PERMS_BY_NAME(NULL, N'DATABASE', N'CREATE SCHEMA') = 1
                             AND HAS_PERMS_BY_NAME(N'dbo', N'USER', N'IMPERSONATE') = 1 THEN 1 ELSE 0 END
                  ELSE CASE WHEN HAS_PERMS_BY_NAME(N'integration', N'SCHEMA', N'ALTER') = 1
                             AND HAS_PERMS_BY_NAME(N'integration', N'SCHEMA', N'REFERENCES') = 1 THEN 1 ELSE 0 END
             END) = 1 THEN 1 ELSE 0 END AS ok`.execute(db);
    return result.rows[0]?.ok === 1;
  },

  async databaseSettings(db) {
    const result = await sql<{ name: string; level: number; rcsi: boolean | number; snapshot: number }>`
      SELECT name, compatibility_level AS level, is_read_committed_snapshot_on AS rcsi, snapshot_isolation_state AS snapshot
      FROM sys.databases WHERE name = DB_NAME()`.execute(db);
    const row = result.rows[0];
    if (!row) throw new Error('sys.databases has no row for the current database');
    return {
      database: row.name,
      compatibilityLevel: Number(row.level),
      requiredLevel: OPENJSON_LEVEL,
      readCommittedSnapshot: Boolean(row.rcsi),
      // 1 = ON; 2 and 3 are the transitions to OFF and to ON.
      snapshotIsolation: Number(row.snapshot) === 1,
    };
  },

  async encrypted(db) {
    const result = await sql<{ e: string }>`SELECT encrypt_option AS e FROM sys.dm_exec_connections WHERE session_id = @@SPID`.execute(db);
    const value = result.rows[0]?.e;
    return value === undefined ? null : value === 'TRUE';
  },
};
