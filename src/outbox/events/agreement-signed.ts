import { sourceUtc, sourceUtcText } from '../crm/time.js';
import { agreements } from '../crm/sources.js';
import { id, orNull, payloadSchema, text, utcTime } from '../event-catalog/fields.js';
import { describeEvent, sampleEnvelope } from './event.js';

export const agreementSigned = describeEvent({
  type: 'agreement.signed',
  domain: 'Compliance',
  summary: 'A client electronically signed a required document.',
  description: 'A client has signed a document electronically (a new dbo.AgreementSigned row). The agreement text is not sent.',
  source: agreements,
  payloadSchema: payloadSchema('agreement.signed payload', {
    agreement_signed_id: id('The signing record'),
    client_id: id('The client'),
    signed_date: utcTime('When it was signed'),
    name_signed: text('The name as signed'),
    agreement_name: orNull(text('Name of the agreement')),
    terms_id: id('The version of the terms signed'),
    ip_address: orNull(text("The signer's IP address")),
  }),
  sample: sampleEnvelope(
    45687,
    'agreement.signed',
    '2026-01-28T10:35:00.000Z',
    {
      agreement_signed_id: 3456,
      client_id: 12345,
      signed_date: '2026-01-28T10:35:00.000Z',
      name_signed: 'Jane Smith',
      agreement_name: 'Service Agreement 2024',
      terms_id: 12,
      ip_address: '203.0.113.24',
    },
    { source: 'dbo.AgreementSigned', key: 3456 },
  ),
  capture: {
    createdUtc: (row, zone) => sourceUtc(row.SignedDate, zone),
    payload: (row, zone) => ({
      agreement_signed_id: row.AgreementSignedID,
      client_id: row.ClientID,
      signed_date: sourceUtcText(row.SignedDate, zone),
      name_signed: row.NameSigned,
      agreement_name: row.AgreementName,
      terms_id: row.TermsID,
      ip_address: row.IPAddress,
    }),
  },
});
