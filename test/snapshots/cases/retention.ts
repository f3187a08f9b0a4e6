import { runRetention } from '../../../src/retention/retention.js';
import type { MssqlStatementCase } from '../../support/mssql-recorder.js';

export const cases: MssqlStatementCase[] = [
  {
    name: 'retention pass: old attempts, then old finished events with their deliveries',
    run: (db) => {
      let expiredCalls = 0;
      return runRetention(
        db,
        { eventsDays: 30, attemptsDays: 14, batchSize: 4000 },
        new Date('2026-06-01T00:00:00Z'),
        () => expiredCalls++ > 3,
      );
    },
    respond: (s) => (s.sql.includes('SELECT TOP') ? [{ EventId: 1 }, { EventId: 2 }] : []),
  },
];
