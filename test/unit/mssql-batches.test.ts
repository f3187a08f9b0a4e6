import { expect } from 'chai';
import { mssqlMigration } from '../../src/db/dialects/mssql/migration.js';

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
