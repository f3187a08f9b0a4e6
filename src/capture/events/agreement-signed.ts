import { sourceUtc, sourceUtcText } from '../time.js';
import { agreements } from '../sources.js';
import { defineEvent } from './definition.js';

export const agreementSigned = defineEvent({
  type: 'agreement.signed',
  source: agreements,
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
});
