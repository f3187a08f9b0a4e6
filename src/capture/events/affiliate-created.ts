import { sourceUtc, sourceUtcText } from '../time.js';
import { employees } from '../sources.js';
import { defineEvent } from './definition.js';

/** A new Employee whose team role is 'Affiliate'. */
export const affiliateCreated = defineEvent({
  type: 'affiliate.created',
  source: employees,
  when: (row) => row.RoleName === 'Affiliate',
  createdUtc: (row, zone) => sourceUtc(row.CreatedDate, zone),
  payload: (row, zone) => ({
    employee_id: row.EmployeeID,
    full_name: row.FullName,
    email: row.Email,
    phone: row.Phone,
    affiliate_code: row.AffiliateCode,
    is_active: Boolean(row.IsActive),
    is_approved_affiliate: Boolean(row.IsApprovedAffiliate),
    created_date: sourceUtcText(row.CreatedDate, zone),
  }),
});
