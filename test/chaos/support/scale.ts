/**
 * The fault suite runs reduced inside `npm test` and in full through `npm run test:chaos`
 * (OUTBOX_CHAOS=full): the same scenarios, with the counts only in the full run.
 */
export const FULL = process.env['OUTBOX_CHAOS'] === 'full';

export function scaled<T>(reduced: T, full: T): T {
  return FULL ? full : reduced;
}
