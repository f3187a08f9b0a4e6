import { sourceUtc, sourceUtcText } from '../time.js';
import { clientStatusHistory } from '../sources.js';
import { defineEvent } from './definition.js';

/** A new ClientStatusHistory row: every status change, a lead's conversion included. */
export const clientStatusChanged = defineEvent({
  type: 'client.status_changed',
  source: clientStatusHistory,
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
});
