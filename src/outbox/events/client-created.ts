import { sourceUtc, sourceUtcText } from '../crm/time.js';
import { clients } from '../crm/sources.js';
import { isLeadStatus } from '../../outbox/events/rows.js';
import { id, orNull, payloadSchema, text, utcTime } from '../event-catalog/fields.js';
import { describeEvent, sampleEnvelope } from './event.js';

/** A new Client whose status, when first seen, is not a lead status. */
export const clientCreated = describeEvent({
  type: 'client.created',
  domain: 'Client',
  summary: 'A new client was enrolled.',
  description: 'A new client has been enrolled (a new dbo.Client row whose status, when first seen, is not a lead status).',
  source: clients,
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
  capture: {
    when: (row) => !isLeadStatus(row.StatusName),
    createdUtc: (row, zone) => sourceUtc(row.CreatedDate, zone),
    payload: (row, zone) => ({
      client_id: row.ClientID,
      first_name: row.FirstName,
      last_name: row.LastName,
      email: row.Email,
      phone: row.Phone,
      status: row.StatusName,
      status_id: row.StatusID,
      employee_id: row.EmployeeID,
      employee_name: row.EmployeeName,
      affiliate_id: row.AffiliateID,
      created_date: sourceUtcText(row.CreatedDate, zone),
    }),
  },
});
