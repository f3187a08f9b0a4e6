import { expect } from 'chai';
import { defineEvent } from '../../src/capture/events/definition.js';
import { clients, documents } from '../../src/outbox/crm/sources.js';

// Checked by the compiler (npm run build type-checks test/): each @ts-expect-error below must
// stay an error, or the build fails. The runtime assertions only keep mocha counting the file.
describe('event definitions are typed from their source', () => {
  it('refuses a definition that reads a column its source does not select', () => {
    const definition = defineEvent({
      type: 'client.created',
      source: clients,
      createdUtc: () => new Date(0),
      payload: (row) => ({
        client_id: row.ClientID,
        // @ts-expect-error dbo.Client's read does not select DocName (dbo.ClientDoc's column)
        name: row.DocName,
      }),
    });
    expect(definition.source).to.equal(clients);
  });

  it('refuses a column of the source table that its select list leaves out', () => {
    const definition = defineEvent({
      type: 'document.uploaded',
      source: documents,
      createdUtc: () => new Date(0),
      // @ts-expect-error the document read never selects DocContent (the blob)
      payload: (row) => ({ content: row.DocContent }),
    });
    expect(definition.source).to.equal(documents);
  });

  it('takes the columns the select list names, with their types', () => {
    const definition = defineEvent({
      type: 'client.created',
      source: clients,
      when: (row) => row.StatusName.startsWith('Client'),
      createdUtc: () => new Date(0),
      payload: (row) => ({ client_id: row.ClientID, employee: row.EmployeeName }),
    });
    expect(definition.type).to.equal('client.created');
  });
});
