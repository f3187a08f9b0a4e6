import { silentLogger } from '../../../src/logging/logger.js';
import { ensureDemoCrm } from '../../../src/demo/crm-schema.js';
import { CrmSimulator } from '../../../src/demo/simulator.js';
import { migrate, readSchemaState } from '../../../src/store/migrate.js';
import { listMigrationFiles } from '../../../src/store/migration-files.js';
import { readStoreStatus } from '../../../src/store/status.js';
import type { MssqlStatementCase, Responder } from '../../support/mssql-recorder.js';

const fullyMigrated: Responder = (statement) =>
  statement.sql.includes('from "integration"."SchemaMigration"')
    ? listMigrationFiles('mssql').map((f) => ({ Version: f.version, Name: f.name, Checksum: f.checksum }))
    : [{ found: 1, events: 0, newestEventId: null, pending: 0, failed: 0, due: null }];

/** A sequence of numbers in [0, 1) that walks the simulator through every action. */
function cycling(): () => number {
  let i = 0;
  return () => (i++ * 0.137) % 1;
}

export const cases: MssqlStatementCase[] = [
  { name: 'migrate: bootstrap, then apply pending files', run: (db) => migrate(db, silentLogger()) },
  { name: 'schema state', run: (db) => readSchemaState(db), respond: fullyMigrated },
  { name: 'status', run: (db) => readStoreStatus(db, new Date('2026-01-01T00:00:00Z')), respond: fullyMigrated },
  { name: 'demo: does the CRM exist', run: (db) => ensureDemoCrm(db), respond: () => [{ found: 1 }] },
  {
    name: 'demo simulator: one of each business act',
    run: async (db) => {
      const simulator = new CrmSimulator(db, { eventsPerSecond: 1, timezone: 'America/New_York', random: cycling() }, silentLogger());
      for (const act of [
        'newLead',
        'newClient',
        'convertLead',
        'changeClientStatus',
        'newInvoice',
        'payInvoice',
        'uploadDocument',
        'signAgreement',
        'newAffiliate',
      ] as const) {
        await db.db.transaction().execute((trx) => simulator[act](trx));
      }
    },
    respond: (s) =>
      s.sql.includes('max(')
        ? [{ id: 5, top: 10 }]
        : s.sql.includes('output')
          ? [{ id: 11 }]
          : [{ ClientID: 5, StatusID: 10, InvoiceID: 5, Balance: 99, FirstName: 'Jane', LastName: 'Smith' }],
  },
];
