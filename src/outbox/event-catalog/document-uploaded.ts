import { type EventTypeEntry, sampleEnvelope } from './entry.js';
import { id, orNull, payloadSchema, text, utcTime } from './fields.js';

export const documentUploaded: EventTypeEntry = {
  type: 'document.uploaded',
  domain: 'Documents',
  description:
    "A file has been added to a client's record (a new dbo.ClientDoc row: credit report, ID, utility bill, ...). The file itself is not sent.",
  source: 'dbo.ClientDoc',
  payloadSchema: payloadSchema('document.uploaded payload', {
    client_doc_id: id('The document'),
    client_id: id('The client'),
    doc_name: text('File name'),
    doc_type_id: id('Document type id'),
    doc_type_name: orNull(text('Document type, e.g. "Credit Report"')),
    created_date: utcTime('When it was uploaded'),
  }),
  sample: sampleEnvelope(
    45686,
    'document.uploaded',
    '2026-01-28T15:10:00.000Z',
    {
      client_doc_id: 7890,
      client_id: 12345,
      doc_name: 'credit_report_2024.pdf',
      doc_type_id: 3,
      doc_type_name: 'Credit Report',
      created_date: '2026-01-28T15:10:00.000Z',
    },
    { source: 'dbo.ClientDoc', key: 7890 },
  ),
};
