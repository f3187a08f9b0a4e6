import { sourceUtc, sourceUtcText } from '../crm/time.js';
import { employees } from '../crm/sources.js';
import { flag, id, orNull, payloadSchema, text, utcTime } from '../event-catalog/fields.js';
import { describeEvent, sampleEnvelope } from './event.js';

/** A new Employee whose team role is 'Affiliate'. */
export const affiliateCreated = describeEvent({
  type: 'affiliate.created',
  domain: 'Affiliates',
  summary: 'A new referral partner was added.',
  description:
    "A new referral partner has been added (a new dbo.Employee row with the 'Affiliate' team role). New affiliates are not yet approved.",
  source: employees,
  payloadSchema: payloadSchema('affiliate.created payload', {
    employee_id: id('The affiliate (an employee id; the affiliate_id of later client events)'),
    full_name: text('Full name'),
    email: orNull(text('Email address')),
    phone: orNull(text('Phone number')),
    affiliate_code: orNull(text('Referral code')),
    is_active: flag('Whether the affiliate is active'),
    is_approved_affiliate: flag('Whether an admin has approved the affiliate'),
    created_date: utcTime('When the affiliate was added'),
  }),
  sample: sampleEnvelope(
    45685,
    'affiliate.created',
    '2026-01-28T13:20:00.000Z',
    {
      employee_id: 456,
      full_name: 'Sarah Partner',
      email: 'sarah@partnercompany.com',
      phone: '+14155553333',
      affiliate_code: 'SARAH2024',
      is_active: true,
      is_approved_affiliate: false,
      created_date: '2026-01-28T13:20:00.000Z',
    },
    { source: 'dbo.Employee', key: 456 },
  ),
  capture: {
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
  },
});
