import { sql } from 'kysely';
import type { MigrationDialect } from '../../ports/migration.js';

/**
 * T-SQL's batch separator: GO alone on a line (the sqlcmd and SSMS rule). Only blanks and tabs
 * around it: \s would match line ends too, and swallow the comment line that follows a GO.
 */
const GO_LINE = /^[ \t]*GO[ \t]*(?:--.*)?$/im;

export const mssqlMigration: MigrationDialect = {
  splitBatches(script) {
    return script
      .split(new RegExp(GO_LINE.source, 'gim'))
      .map((batch) => batch.trim())
      .filter((batch) => batch.length > 0);
  },

  async migrationLogExists(db) {
    const result = await sql<{ found: number | null }>`SELECT OBJECT_ID(N'integration.SchemaMigration', N'U') AS found`.execute(db);
    return result.rows[0]?.found != null;
  },

  bootstrapScript() {
    // CREATE SCHEMA must be alone in its batch, hence EXEC.
    return `IF SCHEMA_ID(N'integration') IS NULL EXEC(N'CREATE SCHEMA integration AUTHORIZATION dbo');
IF OBJECT_ID(N'integration.SchemaMigration', N'U') IS NULL
CREATE TABLE integration.SchemaMigration (
  Version    int           NOT NULL CONSTRAINT PK_SchemaMigration PRIMARY KEY CLUSTERED,
  Name       nvarchar(200) NOT NULL,
  Checksum   char(64)      NOT NULL,
  AppliedUtc datetime2(3)  NOT NULL CONSTRAINT DF_SchemaMigration_AppliedUtc DEFAULT SYSUTCDATETIME()
);`;
  },

  printableScript(files) {
    const lock = `EXEC sp_getapplock @Resource = N'outbox:migrate', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000;`;
    const parts = [
      '-- crm-outbox: pending migrations for SQL Server 2016+ / Azure SQL.',
      '-- Run with sqlcmd -b -I -i <file> (or in SSMS): each file is one transaction, and XACT_ABORT',
      '-- rolls a file back whole if any statement in it fails.',
      'SET XACT_ABORT ON;',
      'GO',
      'BEGIN TRANSACTION;',
      lock,
      this.bootstrapScript(),
      'COMMIT TRANSACTION;',
      'GO',
    ];
    for (const file of files) {
      parts.push(
        '',
        `-- ${String(file.version).padStart(4, '0')}_${file.name}.sql  sha256 ${file.checksum}`,
        'BEGIN TRANSACTION;',
        lock,
        `INSERT INTO integration.SchemaMigration (Version, Name, Checksum) VALUES (${file.version}, N'${file.name}', '${file.checksum}');`,
        'GO',
        ...this.splitBatches(file.sql).flatMap((batch) => [batch, 'GO']),
        'COMMIT TRANSACTION;',
        'GO',
      );
    }
    return `${parts.join('\n')}\n`;
  },
};
