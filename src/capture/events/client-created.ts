import { sourceUtc, sourceUtcText } from '../time.js';
import { clients } from '../sources.js';
import { defineEvent } from './definition.js';
import { isLeadStatus } from './rows.js';

/** A new Client whose status, when first seen, is not a lead status. */
export const clientCreated = defineEvent({
  type: 'client.created',
  source: clients,
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
});
