import { expect } from 'chai';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import type { DatabaseSettings } from '../../src/db/ports/doctor.js';
import { compatibilityVerdict, PreconditionError, rowVersioningReport } from '../../src/store/store-settings.js';

const settings = (over: Partial<DatabaseSettings>): DatabaseSettings => ({
  database: 'CRM',
  compatibilityLevel: 130,
  requiredLevel: 130,
  readCommittedSnapshot: true,
  snapshotIsolation: false,
  ...over,
});

describe('the store database settings the service needs', () => {
  it('refuses level 120 naming the database, its level, what is needed and the ALTER DATABASE to run', () => {
    const verdict = compatibilityVerdict(settings({ compatibilityLevel: 120 }), false);
    expect(verdict.ok).to.equal(false);
    expect(verdict.detail).to.equal(
      'database CRM is at compatibility level 120; crm-outbox needs 130 or higher (SQL Server 2016+) for OPENJSON, which every write uses',
    );
    expect(verdict.fix).to.equal('ALTER DATABASE [CRM] SET COMPATIBILITY_LEVEL = 130');
  });

  it('recommends a store database of its own when the store is the CRM database', () => {
    const verdict = compatibilityVerdict(settings({ compatibilityLevel: 110, database: 'Odd]Name' }), true);
    expect(verdict.fix).to.match(
      /^ALTER DATABASE \[Odd]]Name] SET COMPATIBILITY_LEVEL = 130; if the CRM's level cannot be raised, put the store in a database of its own/,
    );
  });

  it('accepts 130 and above, and any level on an engine that runs OPENJSON at every level', () => {
    expect(compatibilityVerdict(settings({ compatibilityLevel: 130 }), true)).to.deep.equal({
      ok: true,
      detail: 'database CRM is at level 130 (OPENJSON needs 130)',
    });
    expect(compatibilityVerdict(settings({ compatibilityLevel: 160 }), true).ok).to.equal(true);
    expect(compatibilityVerdict(settings({ compatibilityLevel: 120, requiredLevel: null }), true).ok).to.equal(true);
  });

  it('reports READ_COMMITTED_SNAPSHOT with what it means for the polling cursor; OFF is a warning', () => {
    const on = rowVersioningReport(settings({ readCommittedSnapshot: true }));
    expect(on).to.include({ ok: true });
    expect(on.warn).to.equal(undefined);
    expect(on.detail).to.match(
      /READ_COMMITTED_SNAPSHOT ON in CRM.*polling cursor reads its cutoff \(MIN_ACTIVE_ROWVERSION\) before the page/,
    );
    const off = rowVersioningReport(settings({ readCommittedSnapshot: false, snapshotIsolation: true }));
    expect(off).to.include({ ok: true, warn: true });
    expect(off.detail).to.match(/READ_COMMITTED_SNAPSHOT OFF in CRM: API reads take shared locks.*snapshot isolation allowed/);
    expect(off.fix).to.match(/SET READ_COMMITTED_SNAPSHOT ON/);
  });

  it('makes outbox run exit with the configuration code', () => {
    expect(exitCodeFor(new PreconditionError('x'))).to.equal(EXIT.config);
  });
});
