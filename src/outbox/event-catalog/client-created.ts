import { type EventTypeEntry, sampleEnvelope } from './entry.js';
import { id, orNull, payloadSchema, text, utcTime } from './fields.js';

export const clientCreated: EventTypeEntry = {
  type: 'client.created',
  domain: 'Client',
  description: 'A new client has been enrolled (a new dbo.Client row whose status, when first seen, is not a lead status).',
  source: 'dbo.Client',
  payloadSchema: payloadSchema('client.created payload', {
    client_id: id('The client'),
    first_name: text('First name'),
    last_name: text('Last name'),
    email: orNull(text('Email address')),
    phone: orNull(text('Phone number')),
    status: text('Status name, e.g. "Client - Active"'),
    status_id: id('Status id'),
    employee_id: orNull(id('The assigned employee')),
    employee_name: orNull(text("The assigned employee's name")),
    affiliate_id: orNull(id('The referring affiliate (an employee id)')),
    created_date: utcTime('When the client was enrolled'),
  }),
  sample: sampleEnvelope(
    45678,
    'client.created',
    '2026-01-28T10:30:00.000Z',
    {
      client_id: 12345,
      first_name: 'Jane',
      last_name: 'Smith',
      email: 'jane.smith@example.com',
      phone: '+14155551234',
      status: 'Client - Active',
      status_id: 42,
      employee_id: 7,
      employee_name: 'John Advisor',
      affiliate_id: null,
      created_date: '2026-01-28T10:30:00.000Z',
    },
    { source: 'dbo.Client', key: 12345 },
  ),
};
