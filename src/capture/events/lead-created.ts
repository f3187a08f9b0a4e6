import { sourceUtc, sourceUtcText } from '../time.js';
import { clients } from '../sources.js';
import { defineEvent } from './definition.js';
import { isLeadStatus } from './rows.js';

/** A new Client whose status, when first seen, is a lead status. */
export const leadCreated = defineEvent({
  type: 'lead.created',
  source: clients,
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
});
