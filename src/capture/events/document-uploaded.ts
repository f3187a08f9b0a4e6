import { sourceUtc, sourceUtcText } from '../time.js';
import { documents } from '../sources.js';
import { defineEvent } from './definition.js';

export const documentUploaded = defineEvent({
  type: 'document.uploaded',
  source: documents,
  createdUtc: (row, zone) => sourceUtc(row.CreatedDate, zone),
  payload: (row, zone) => ({
    client_doc_id: row.ClientDocID,
    client_id: row.ClientID,
    doc_name: row.DocName,
    doc_type_id: row.DocTypeID,
    doc_type_name: row.DocTypeName,
    created_date: sourceUtcText(row.CreatedDate, zone),
  }),
});
