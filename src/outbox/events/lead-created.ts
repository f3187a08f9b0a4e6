import { sourceUtc, sourceUtcText } from '../crm/time.js';
import { clients } from '../crm/sources.js';
import { isLeadStatus } from '../../outbox/events/rows.js';
import { id, orNull, payloadSchema, text, utcTime } from '../event-catalog/fields.js';
import { describeEvent, sampleEnvelope } from './event.js';

/** A new Client whose status, when first seen, is a lead status. */
export const leadCreated = describeEvent({
  type: 'lead.created',
  domain: 'Client',
  summary: 'A new lead has been captured.',
  description:
    "A new lead has been captured (a new dbo.Client row whose status, when first seen, is named 'Lead%'). Its conversion to a client is a client.status_changed.",
  source: clients,
  payloadSchema: payloadSchema('lead.created payload', {
    client_id: id('The lead (a client id)'),
    first_name: text('First name'),
    last_name: text('Last name'),
    email: orNull(text('Email address')),
    phone: orNull(text('Phone number')),
    status: text('Lead status name, e.g. "Lead - New"'),
    status_id: id('Status id'),
    source: orNull(text('Where the lead came from, e.g. "website_form"')),
    created_date: utcTime('When the lead was captured'),
  }),
  sample: sampleEnvelope(
    45680,
    'lead.created',
    '2026-01-28T09:15:00.000Z',
    {
      client_id: 12346,
      first_name: 'Michael',
      last_name: 'Johnson',
      email: 'michael.j@example.com',
      phone: '+14155559876',
      status: 'Lead - New',
      status_id: 10,
      source: 'website_form',
      created_date: '2026-01-28T09:15:00.000Z',
    },
    { source: 'dbo.Client', key: 12346 },
  ),
  capture: {
    when: (row) => isLeadStatus(row.StatusName),
    createdUtc: (row, zone) => sourceUtc(row.CreatedDate, zone),
    payload: (row, zone) => ({
      client_id: row.ClientID,
      first_name: row.FirstName,
      last_name: row.LastName,
      email: row.Email,
      phone: row.Phone,
      status: row.StatusName,
      status_id: row.StatusID,
      source: row.LeadSource,
      created_date: sourceUtcText(row.CreatedDate, zone),
    }),
  },
});
