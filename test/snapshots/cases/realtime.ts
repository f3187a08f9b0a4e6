import { newestKeys } from '../../../src/capture/source-probe.js';
import { SOURCE_OBJECTS } from '../../../src/outbox/crm/sources.js';
import type { MssqlStatementCase } from '../../support/mssql-recorder.js';

export const cases: MssqlStatementCase[] = [
  {
    name: 'capture probe: the newest key of every source object, one round trip',
    run: (db) => newestKeys(db.db, SOURCE_OBJECTS),
  },
  {
    name: 'long poll watch: types and positions past the newest event seen',
    run: (db) => db.dialect.api.visibleSince(db.db, { key: '0x00000000000007D1', eventId: 42 }, 1000),
  },
];
