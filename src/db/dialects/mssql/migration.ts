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
    const parts = [
      '-- crm-outbox: pending migrations for SQL Server 2016+ / Azure SQL.',
      '-- Run with sqlcmd -b -I -i <file>, or in SSMS. Each file is one transaction under the lock',
      '-- outbox:migrate. After every batch a guard checks that it succeeded and the transaction is',
      '-- still open; if not, it rolls the file back, raises an error naming it and sets NOEXEC ON, so',
      '-- nothing after it runs (SSMS goes on to the next batch after an error; sqlcmd -b stops).',
      'SET XACT_ABORT ON;',
      'GO',
      ...guardedUnit('the integration schema', [this.bootstrapScript()]),
    ];
    for (const file of files) {
      const name = `${String(file.version).padStart(4, '0')}_${file.name}`;
      parts.push(
        '',
        `-- ${name}.sql  sha256 ${file.checksum}`,
        ...guardedUnit(name, [
          `INSERT INTO integration.SchemaMigration (Version, Name, Checksum) VALUES (${file.version}, N'${file.name}', '${file.checksum}');`,
          ...this.splitBatches(file.sql),
        ]),
      );
    }
    // NOEXEC stays on in an SSMS session after a failure: give the session back as it was.
    parts.push('', 'SET NOEXEC OFF;', 'GO');
    return `${parts.join('\n')}\n`;
  },
};

/**
 * One transaction of the printed script: the migration lock (its result checked: below 0 is a
 * timeout, a deadlock or an error), then each batch followed by a guard batch. XACT_ABORT rolls
 * the transaction back on a run-time error; a compile error (a batch that never ran) leaves it
 * open but sets @@ERROR, which the next batch still sees. Either way the guard rolls back, says
 * which file, and sets NOEXEC ON: SSMS runs the following batches, but they no longer execute,
 * so no later batch commits part of the file in autocommit and no SchemaMigration row is left.
 */
function guardedUnit(name: string, batches: readonly string[]): string[] {
  const lock = `BEGIN TRANSACTION;
DECLARE @lock int;
EXEC @lock = sp_getapplock @Resource = N'outbox:migrate', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000;
IF @lock < 0
BEGIN
  ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: sp_getapplock on outbox:migrate returned %d (timeout, deadlock or error); nothing was applied', 16, 1, @lock);
END`;
  const guard = `IF @@ERROR <> 0 OR XACT_STATE() <> 1
BEGIN
  IF XACT_STATE() <> 0 ROLLBACK TRANSACTION;
  RAISERROR(N'crm-outbox: %s failed and was rolled back; nothing after it runs (SET NOEXEC ON)', 16, 1, N'${name}');
  SET NOEXEC ON;
END`;
  return [lock, 'GO', guard, 'GO', ...batches.flatMap((batch) => [batch, 'GO', guard, 'GO']), 'COMMIT TRANSACTION;', 'GO'];
}
