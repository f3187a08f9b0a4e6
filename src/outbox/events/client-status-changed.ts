import { sourceUtc, sourceUtcText } from '../crm/time.js';
import { clientStatusHistory } from '../crm/sources.js';
import { id, orNull, payloadSchema, text, utcTime } from '../event-catalog/fields.js';
import { describeEvent, sampleEnvelope } from './event.js';

/** A new ClientStatusHistory row: every status change, a lead's conversion included. */
export const clientStatusChanged = describeEvent({
  type: 'client.status_changed',
  domain: 'Client',
  summary: 'A client moved to a different stage of their lifecycle.',
  description: "A client has moved to another stage of its lifecycle (a new dbo.ClientStatusHistory row), a lead's conversion included.",
  source: clientStatusHistory,
  payloadSchema: payloadSchema('client.status_changed payload', {
    client_status_history_id: id('The history row'),
    client_id: id('The client'),
    previous_status: orNull(text('Status before the change; null for the first status')),
    new_status: orNull(text('Status after the change')),
    changed_date: utcTime('When the status changed'),
    changed_by_employee_id: orNull(id('The employee who changed it')),
    status_note: orNull(text('Note entered with the change')),
  }),
  sample: sampleEnvelope(
    45679,
    'client.status_changed',
    '2026-01-28T14:22:00.000Z',
    {
      client_status_history_id: 88001,
      client_id: 12345,
      previous_status: 'Client - Active',
      new_status: 'Client - Graduated',
      changed_date: '2026-01-28T14:22:00.000Z',
      changed_by_employee_id: 7,
      status_note: 'All items removed',
    },
    { source: 'dbo.ClientStatusHistory', key: 88001 },
  ),
  capture: {
    createdUtc: (row, zone) => sourceUtc(row.ChangedDate, zone),
    payload: (row, zone) => ({
      client_status_history_id: row.ClientStatusHistoryID,
      client_id: row.ClientID,
      previous_status: row.PreviousStatus,
      new_status: row.NewStatus,
      changed_date: sourceUtcText(row.ChangedDate, zone),
      changed_by_employee_id: row.ChangedByEmployeeID,
      status_note: row.StatusNote,
    }),
  },
});
