import { sql } from 'kysely';
import type { DoctorDialect } from '../../../doctor/doctor-dialect.js';

export const mssqlDoctor: DoctorDialect = {
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
    return { utc: new Date(row?.utc ?? 0), local: row?.local ?? '' };
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
    const result = await sql<{ ok: number }>`SELECT CASE WHEN HAS_PERMS_BY_NAME(NULL, N'DATABASE', N'CREATE TABLE') = 1
        AND (CASE WHEN SCHEMA_ID(N'integration') IS NULL THEN HAS_PERMS_BY_NAME(NULL, N'DATABASE', N'CREATE SCHEMA')
                  ELSE HAS_PERMS_BY_NAME(N'integration', N'SCHEMA', N'ALTER') END) = 1 THEN 1 ELSE 0 END AS ok`.execute(db);
    return result.rows[0]?.ok === 1;
  },

  async encrypted(db) {
    const result = await sql<{ e: string }>`SELECT encrypt_option AS e FROM sys.dm_exec_connections WHERE session_id = @@SPID`.execute(db);
    const value = result.rows[0]?.e;
    return value === undefined ? null : value === 'TRUE';
  },
};
