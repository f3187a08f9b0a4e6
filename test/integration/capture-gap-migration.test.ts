import { expect } from 'chai';
import { sql } from 'kysely';
import { silentLogger } from '../../src/logging/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { listMigrationFiles } from '../../src/store/migration-files.js';
import { describeEachDialect } from '../support/databases.js';

describeEachDialect(
  'migration 0005: one-row-per-key gaps become key ranges',
  (suite) => {
    it("moves 0002's pending keys into ranges of consecutive keys, each keeping its newest time", async () => {
      const { db, dialect } = suite.db;
      // The store as release 0004 left it, written the way migrate() writes it.
      for (const batch of dialect.migration.splitBatches(dialect.migration.bootstrapScript())) await sql.raw(batch).execute(db);
      for (const file of listMigrationFiles(dialect.name).filter((f) => f.version <= 4)) {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('integration.SchemaMigration')
            .values({ Version: file.version, Name: file.name, Checksum: file.checksum })
            .execute();
          for (const batch of dialect.migration.splitBatches(file.sql)) await sql.raw(batch).execute(trx);
        });
      }
      const gaps: [string, number, string][] = [
        ['dbo.Client', 11, '2026-01-28T12:00:00.000Z'],
        ['dbo.Client', 12, '2026-01-28T12:05:00.000Z'],
        ['dbo.Client', 13, '2026-01-28T12:01:00.000Z'],
        ['dbo.Client', 20, '2026-01-28T12:02:00.000Z'],
        ['dbo.ClientDoc', 12, '2026-01-28T12:03:00.000Z'],
      ];
      for (const [source, key, seen] of gaps) {
        await sql`INSERT INTO ${sql.table('integration.CaptureGap')} (${sql.ref('SourceName')}, ${sql.ref('MissingKey')}, ${sql.ref('FirstSeenUtc')})
          VALUES (${source}, ${key}, ${new Date(seen)})`.execute(db);
      }

      const applied = await migrate(suite.db, silentLogger());
      expect(applied.map((f) => f.version)).to.include(5);
      const ranges = await db
        .selectFrom('integration.CaptureGapRange')
        .select(['SourceName', 'FirstKey', 'LastKey', 'FirstSeenUtc'])
        .orderBy('SourceName')
        .orderBy('FirstKey')
        .execute();
      expect(
        ranges.map((r) => [r.SourceName, Number(r.FirstKey), Number(r.LastKey), new Date(r.FirstSeenUtc).toISOString()]),
      ).to.deep.equal([
        ['dbo.Client', 11, 13, '2026-01-28T12:05:00.000Z'],
        ['dbo.Client', 20, 20, '2026-01-28T12:02:00.000Z'],
        ['dbo.ClientDoc', 12, 12, '2026-01-28T12:03:00.000Z'],
      ]);
      const old = await sql<{ n: number }>`
        SELECT COUNT(*) AS n FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'integration' AND TABLE_NAME = 'CaptureGap'`.execute(db);
      expect(Number(old.rows[0]?.n)).to.equal(0);
    });
  },
  { migrate: false },
);
