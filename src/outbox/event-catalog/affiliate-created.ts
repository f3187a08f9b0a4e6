import { type EventTypeEntry, sampleEnvelope } from './entry.js';
import { flag, id, orNull, payloadSchema, text, utcTime } from './fields.js';

export const affiliateCreated: EventTypeEntry = {
  type: 'affiliate.created',
  domain: 'Affiliates',
  description:
    "A new referral partner has been added (a new dbo.Employee row with the 'Affiliate' team role). New affiliates are not yet approved.",
  source: 'dbo.Employee',
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
};
