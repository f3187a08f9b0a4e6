import { expect } from 'chai';
import { BigIntAsNumberRequest } from '../../src/db/mssql-request.js';

describe('SQL Server rows', () => {
  it('arrive with bigint columns, nullable ones too, as numbers and nvarchar columns untouched', () => {
    const request = new BigIntAsNumberRequest('SELECT 1', () => undefined);
    const seen: unknown[] = [];
    const listener = (columns: { value: unknown }[]) => seen.push(...columns.map((c) => c.value));
    request.on('row', listener);
    request.emit('row', [
      { metadata: { colName: 'EventId', type: { name: 'BigInt' } }, value: '9007199254740991' },
      { metadata: { colName: 'TransactionID', type: { name: 'NVarChar' } }, value: '12345' },
      { metadata: { colName: 'Amount', type: { name: 'Decimal' } }, value: 99.5 },
      { metadata: { colName: 'RequeuedFrom', type: { name: 'IntN' }, dataLength: 8 }, value: '42' },
      { metadata: { colName: 'AttemptCount', type: { name: 'IntN' }, dataLength: 4 }, value: 3 },
    ]);
    expect(seen).to.deep.equal([9007199254740991, '12345', 99.5, 42, 3]);
    request.off('row', listener);
    request.emit('row', [{ metadata: { colName: 'EventId', type: { name: 'BigInt' } }, value: '1' }]);
    expect(seen).to.have.length(5);
  });
});
