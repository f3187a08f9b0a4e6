import { expect } from 'chai';
import type { Database } from '../../src/db/connect.js';
import { assertStoreSettings, PreconditionError } from '../../src/store/store-settings.js';
import { describeEachDialect } from '../support/databases.js';

/** The store as it is, but for the compatibility level its one settings query answers. */
function reportingLevel(store: Database, level: number): Database {
  const doctor = store.dialect.doctor;
  return {
    ...store,
    dialect: {
      ...store.dialect,
      doctor: {
        ...doctor,
        async databaseSettings(db) {
          const real = await doctor.databaseSettings(db);
          return real && { ...real, compatibilityLevel: level, requiredLevel: 130 };
        },
      },
    },
  };
}

describeEachDialect(
  'the store settings checked when outbox run starts',
  (suite) => {
    it(suite.dialect === 'mssql' ? 'reads the level and row versioning of the store database' : 'has no level to read', async () => {
      const settings = await suite.db.dialect.doctor.databaseSettings(suite.db.db);
      if (suite.dialect !== 'mssql') {
        expect(settings).to.equal(null);
        await assertStoreSettings(suite.db, true);
        return;
      }
      expect(settings?.database).to.match(/^outbox_test_/);
      expect(Number.isInteger(settings?.compatibilityLevel)).to.equal(true);
      expect(settings?.compatibilityLevel).to.be.greaterThanOrEqual(80);
      expect(typeof settings?.readCommittedSnapshot).to.equal('boolean');
      await assertStoreSettings(suite.db, true);
    });

    if (suite.dialect === 'mssql') {
      it('refuses to start on a store at level 120 with the message an operator acts on, and starts at 130', async () => {
        const refused = await assertStoreSettings(reportingLevel(suite.db, 120), true).then(
          () => null,
          (error: unknown) => error,
        );
        expect(refused).to.be.instanceOf(PreconditionError);
        expect((refused as Error).message).to.match(
          /^store database outbox_test_\w+ is at compatibility level 120; crm-outbox needs 130 or higher .*: ALTER DATABASE \[outbox_test_\w+] SET COMPATIBILITY_LEVEL = 130; if the CRM's level cannot be raised, put the store in a database of its own/,
        );
        await assertStoreSettings(reportingLevel(suite.db, 130), true);
      });
    }
  },
  { migrate: false },
);
