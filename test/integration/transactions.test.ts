import { expect } from 'chai';
import { describeEachDialect } from '../support/databases.js';

const row = {
  EventType: 'client.created',
  SourceKey: 'dbo.Client:1',
  CreatedUtc: new Date('2026-01-28T10:00:00Z'),
  CompanyId: 92,
  Payload: '{}',
  Metadata: '{}',
};

describeEachDialect('transactions', (suite) => {
  it('a failed transaction throws the error that failed it, writes nothing, and leaves the connection usable', async () => {
    // SQL Server with XACT_ABORT ON has already rolled back when the duplicate key is reported;
    // the error seen must be the duplicate key, not the failed ROLLBACK that follows (3903).
    const failure = await suite.db.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('integration.OutboxEvent').values(row).execute();
        await trx.insertInto('integration.OutboxEvent').values(row).execute();
      })
      .then(
        () => undefined,
        (error: unknown) => error as { message: string; number?: number; code?: string },
      );
    expect(failure, 'the transaction must fail').to.not.equal(undefined);
    expect(failure?.message).to.match(/duplicate key|UQ_OutboxEvent_Type_SourceKey|uq_outboxevent/i);
    expect(failure?.message).to.not.match(/ROLLBACK|BEGIN TRANSACTION/i);
    if (suite.dialect === 'mssql') expect(failure?.number).to.be.oneOf([2627, 2601]);
    else expect(failure?.code).to.equal('23505');
    const left = await suite.db.db.selectFrom('integration.OutboxEvent').select('EventId').execute();
    expect(left).to.deep.equal([]);
    for (let i = 0; i < 3; i++) {
      // Every pooled connection (5) is reused: none was left inside the failed transaction.
      await suite.db.db.transaction().execute((trx) =>
        trx
          .insertInto('integration.OutboxEvent')
          .values({ ...row, SourceKey: `k${i}` })
          .execute(),
      );
    }
    expect(await suite.db.db.selectFrom('integration.OutboxEvent').select('EventId').execute()).to.have.length(3);
  });
});
