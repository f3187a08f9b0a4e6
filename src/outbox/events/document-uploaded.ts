import { sourceUtc, sourceUtcText } from '../crm/time.js';
import { documents } from '../crm/sources.js';
import { id, orNull, payloadSchema, text, utcTime } from '../event-catalog/fields.js';
import { describeEvent, sampleEnvelope } from './event.js';

export const documentUploaded = describeEvent({
  type: 'document.uploaded',
  domain: 'Documents',
  summary: 'A file was added to a client record (credit report, ID, utility bill, …).',
  description:
    "A file has been added to a client's record (a new dbo.ClientDoc row: credit report, ID, utility bill, ...). The file itself is not sent.",
  source: documents,
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
  capture: {
    createdUtc: (row, zone) => sourceUtc(row.CreatedDate, zone),
    payload: (row, zone) => ({
      client_doc_id: row.ClientDocID,
      client_id: row.ClientID,
      doc_name: row.DocName,
      doc_type_id: row.DocTypeID,
      doc_type_name: row.DocTypeName,
      created_date: sourceUtcText(row.CreatedDate, zone),
    }),
  },
});
