import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { sql } from 'kysely';
import { silentLogger } from '../../src/logging/logger.js';
import { assertSchemaCurrent, migrate, readSchemaState, SchemaError } from '../../src/store/migrate.js';
import { listMigrationFiles, SQL_ROOT } from '../../src/store/migration-files.js';
import { describeEachDialect } from '../support/databases.js';

describeEachDialect('store migrations', (suite) => {
  it('creates every table of the integration schema and records each file with its checksum', async () => {
    const files = listMigrationFiles(suite.db.dialect.name);
    const state = await readSchemaState(suite.db);
    expect(state.current).to.equal(files.at(-1)?.version);
    expect(state.pending).to.deep.equal([]);
    expect(state.applied.map((row) => row.Checksum.trim())).to.deep.equal(files.map((file) => file.checksum));
    for (const table of ['OutboxEvent', 'CaptureWatermark', 'WebhookSubscription', 'WebhookDelivery', 'DeliveryAttempt', 'ApiKey']) {
      const found = await sql<{
        n: number;
      }>`SELECT COUNT(*) AS n FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'integration' AND TABLE_NAME = ${table}`.execute(
        suite.db.db,
      );
      expect(Number(found.rows[0]?.n), table).to.equal(1);
    }
  });

  it('is a no-op the second time: nothing applied, the log unchanged', async () => {
    const before = await suite.db.db.selectFrom('integration.SchemaMigration').selectAll().orderBy('Version').execute();
    const applied = await migrate(suite.db, silentLogger());
    expect(applied).to.deep.equal([]);
    const after = await suite.db.db.selectFrom('integration.SchemaMigration').selectAll().orderBy('Version').execute();
    expect(after).to.deep.equal(before);
  });

  it('refuses a store whose applied migration file was edited, naming the file', async () => {
    await suite.db.db
      .updateTable('integration.SchemaMigration')
      .set({ Checksum: 'f'.repeat(64) })
      .where('Version', '=', 1)
      .execute();
    try {
      const error = await readSchemaState(suite.db).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(SchemaError);
      expect((error as Error).message).to.match(/0001_integration_schema\.sql was changed after it was applied/);
      const refused = await migrate(suite.db, silentLogger()).then(
        () => null,
        (e: unknown) => e,
      );
      expect(refused).to.be.instanceOf(SchemaError);
    } finally {
      const original = listMigrationFiles(suite.db.dialect.name)[0]!.checksum;
      await suite.db.db.updateTable('integration.SchemaMigration').set({ Checksum: original }).where('Version', '=', 1).execute();
    }
  });

  it('reports a store behind this release for a service started without DDL rights', async () => {
    const last = listMigrationFiles(suite.db.dialect.name).at(-1)?.version ?? 0;
    const row = await suite.db.db
      .selectFrom('integration.SchemaMigration')
      .selectAll()
      .where('Version', '=', last)
      .executeTakeFirstOrThrow();
    await suite.db.db.deleteFrom('integration.SchemaMigration').where('Version', '=', last).execute();
    try {
      const error = await assertSchemaCurrent(suite.db).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(SchemaError);
      expect((error as Error).message).to.match(/run 'outbox migrate'/);
    } finally {
      await suite.db.db.insertInto('integration.SchemaMigration').values(row).execute();
    }
  });
});

describeEachDialect(
  'two instances migrating a new database at once',
  (suite) => {
    it('applies each file exactly once, whichever instance gets there first', async function () {
      if (suite.dialect === 'pglite') {
        console.log('      skipped on pglite: one embedded connection, so no second instance can migrate beside it');
        this.skip();
      }
      const a = await suite.openAnother('a');
      const b = await suite.openAnother('b');
      const [fromA, fromB] = await Promise.all([migrate(a, silentLogger()), migrate(b, silentLogger())]);
      const files = listMigrationFiles(suite.db.dialect.name);
      expect([...fromA, ...fromB].map((f) => f.version).sort((x, y) => x - y)).to.deep.equal(files.map((f) => f.version));
      const rows = await suite.db.db.selectFrom('integration.SchemaMigration').select('Version').execute();
      expect(rows.length).to.equal(files.length);
    });
  },
  { migrate: false },
);

describe('migration files', () => {
  it('refuses a folder where two files share a number', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'outbox-sql-'));
    try {
      cpSync(path.join(SQL_ROOT, 'postgres'), path.join(root, 'postgres'), { recursive: true });
      writeFileSync(path.join(root, 'postgres', '0004_another.sql'), 'SELECT 1;');
      expect(() => listMigrationFiles('postgres', root)).to.throw(/migration number 4 is used by two files/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('has the same numbered files for both dialects', () => {
    const names = (dialect: 'postgres' | 'mssql') => listMigrationFiles(dialect).map((f) => `${f.version}_${f.name}`);
    expect(names('mssql')).to.deep.equal(names('postgres'));
  });
});
