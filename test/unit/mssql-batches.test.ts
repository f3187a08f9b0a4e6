import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { mssqlMigration } from '../../src/db/dialects/mssql/migration.js';
import { listMigrationFiles } from '../../src/store/migration-files.js';

// The reviewed snapshot stays in the source tree; UPDATE_SNAPSHOTS=1 rewrites it.
const PRINT_SNAPSHOT = fileURLToPath(new URL('../../../test/snapshots/mssql/migrate-print.sql', import.meta.url));
const UPDATE = process.env['UPDATE_SNAPSHOTS'] === '1';

describe('T-SQL migration batches', () => {
  it('split on GO lines and keep every line around them, comments included', () => {
    const script = [
      'CREATE TABLE a (x int);',
      'GO',
      '-- why b exists',
      'CREATE TABLE b (x int);',
      '  go  -- end of b',
      '',
      '-- c',
      'SELECT 1;',
    ].join('\n');
    expect(mssqlMigration.splitBatches(script)).to.deep.equal([
      'CREATE TABLE a (x int);',
      '-- why b exists\nCREATE TABLE b (x int);',
      '-- c\nSELECT 1;',
    ]);
  });

  it('do not split on GO inside a line', () => {
    expect(mssqlMigration.splitBatches('SELECT 1 AS GO;\nGOTO done;')).to.deep.equal(['SELECT 1 AS GO;\nGOTO done;']);
  });
});

describe('the printed T-SQL migration script (outbox migrate --print)', () => {
  const files = listMigrationFiles('mssql');
  const script = mssqlMigration.printableScript(files);
  const batches = mssqlMigration.splitBatches(script);

  it('matches its reviewed snapshot (test/snapshots/mssql/migrate-print.sql)', () => {
    // Two small files stand in for the real ones, whose text the other snapshots already hold.
    const sample = mssqlMigration.printableScript([
      {
        version: 1,
        name: 'first',

        sql: 'CREATE TABLE integration.A (x int);\nGO\nCREATE VIEW integration.V AS SELECT x FROM integration.A;',
        checksum: 'a'.repeat(64),
      },
      { version: 2, name: 'second', sql: 'CREATE TABLE integration.B (x int);', checksum: 'b'.repeat(64) },
    ]);
    if (UPDATE) writeFileSync(PRINT_SNAPSHOT, sample);
    expect(sample).to.equal(readFileSync(PRINT_SNAPSHOT, 'utf8'));
  });

  it('checks the migration lock and follows every batch of every file with a guard', () => {
    const guards = batches.filter((batch) => batch.startsWith('IF @@ERROR <> 0 OR XACT_STATE() <> 1'));
    const locks = batches.filter((batch) => batch.includes('EXEC @lock = sp_getapplock'));
    expect(locks).to.have.length(files.length + 1);
    locks.forEach((lock) => expect(lock).to.match(/IF @lock < 0\s+BEGIN\s+ROLLBACK TRANSACTION;\s+RAISERROR/));
    guards.forEach((guard) => expect(guard).to.match(/ROLLBACK TRANSACTION;[\s\S]*RAISERROR[\s\S]*SET NOEXEC ON;/));
    // Everything but SET XACT_ABORT, the COMMITs and the closing SET NOEXEC OFF is followed by a guard.
    for (let i = 1; i < batches.length - 1; i++) {
      const batch = batches[i]!;
      if (batch === 'COMMIT TRANSACTION;' || guards.includes(batch)) continue;
      expect(guards, `after batch ${i}: ${batch.slice(0, 60)}`).to.include(batches[i + 1]);
    }
    for (const file of files)
      expect(guards.some((guard) => guard.includes(`N'${String(file.version).padStart(4, '0')}_${file.name}'`))).to.equal(true);
    expect(batches.at(-1)).to.equal('SET NOEXEC OFF;');
  });
});
