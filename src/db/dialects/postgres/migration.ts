import { sql } from 'kysely';
import type { MigrationDialect } from '../../ports/migration.js';

export const postgresMigration: MigrationDialect = {
  splitBatches(script) {
    // PostgreSQL runs a whole multi-statement script in one simple-protocol request.
    return script.trim() ? [script] : [];
  },

  bootstrapScript() {
    return `CREATE SCHEMA IF NOT EXISTS integration;
CREATE TABLE IF NOT EXISTS integration."SchemaMigration" (
  "Version"    integer      NOT NULL PRIMARY KEY,
  "Name"       varchar(200) NOT NULL,
  "Checksum"   char(64)     NOT NULL,
  "AppliedUtc" timestamptz(3) NOT NULL DEFAULT now()
);`;
  },

  async migrationLogExists(db) {
    const result = await sql<{ found: string | null }>`SELECT to_regclass('integration."SchemaMigration"')::text AS found`.execute(db);
    return result.rows[0]?.found != null;
  },

  printableScript(files) {
    const parts = [
      '-- crm-outbox: pending migrations for PostgreSQL. Run with psql -v ON_ERROR_STOP=1 -f <file>.',
      'BEGIN;',
      "SELECT pg_advisory_xact_lock(hashtextextended('outbox:migrate', 0));",
      this.bootstrapScript(),
      'COMMIT;',
    ];
    for (const file of files) {
      parts.push(
        '',
        `-- ${String(file.version).padStart(4, '0')}_${file.name}.sql  sha256 ${file.checksum}`,
        'BEGIN;',
        "SELECT pg_advisory_xact_lock(hashtextextended('outbox:migrate', 0));",
        `INSERT INTO integration."SchemaMigration" ("Version", "Name", "Checksum") VALUES (${file.version}, '${file.name}', '${file.checksum}');`,
        file.sql.trim(),
        'COMMIT;',
      );
    }
    return `${parts.join('\n')}\n`;
  },
};
