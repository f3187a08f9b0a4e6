import type { Database } from '../db/connect.js';
import { storableText } from '../db/storable-text.js';
import { isDataError } from '../kernel/outage.js';
import type { DeliveryUpdateRow } from '../db/ports/delivery.js';
import { type Disabled, recordResults, type RecordOptions, type SubscriptionEffects } from './delivery-store.js';
import type { AttemptOutcome } from './outcome.js';

/** Results and cancels gathered by the dispatcher, waiting to be written. */
export interface PendingResults {
  outcomes: AttemptOutcome[];
  cancels: DeliveryUpdateRow[];
}

export interface WriteReport {
  disabled: Disabled[];
  /** Deliveries whose attempt was recorded with a note in place of the response body the store refused. */
  withoutBody: number[];
  /**
   * Results the store refused even without a body (their delivery deleted meanwhile, say): not
   * recorded. A delivery still there falls due again when its lease ends (at least once).
   */
  dropped: { deliveryId: number; error: string }[];
  /** What is left to write, when a fault that is not about one row stopped the write. */
  unwritten: PendingResults;
  fault: unknown;
}

/** What the outcomes do to their subscriptions: a success ends a failing run, even beside failures. */
export function effectsOf(outcomes: readonly AttemptOutcome[]): SubscriptionEffects {
  const succeeded = new Set<number>();
  const failing = new Set<number>();
  const gone = new Set<number>();
  for (const { verdict, attempt } of outcomes) {
    if (verdict === 'succeeded') succeeded.add(attempt.s);
    else if (verdict === 'gone') gone.add(attempt.s);
    else failing.add(attempt.s);
  }
  for (const id of succeeded) failing.delete(id);
  return { succeeded: [...succeeded], failing: [...failing], gone: [...gone] };
}

const firstLine = (error: unknown) => ((error as Error).message ?? String(error)).split('\n')[0] ?? '';

function write(store: Database, outcomes: readonly AttemptOutcome[], cancels: readonly DeliveryUpdateRow[], options: RecordOptions) {
  return recordResults(
    store,
    outcomes.map((o) => o.attempt),
    [...outcomes.map((o) => o.update), ...cancels],
    effectsOf(outcomes),
    options,
  );
}

/**
 * Writes the results in one transaction. When the store refuses the batch for the values of some
 * row, each result is written alone, so one receiver's answer cannot keep every other result
 * from being recorded (and every other delivery from being sent again when its lease ends); a
 * row refused for its response body is written again with a note in the body's place. Faults
 * not about a row (the store down, a table missing) stop the write: the rest is kept for later.
 */
export async function writeResults(store: Database, pending: PendingResults, options: RecordOptions): Promise<WriteReport> {
  const report: WriteReport = { disabled: [], withoutBody: [], dropped: [], unwritten: { outcomes: [], cancels: [] }, fault: undefined };
  try {
    report.disabled = await write(store, pending.outcomes, pending.cancels, options);
    return report;
  } catch (error) {
    if (!isDataError(error)) return { ...report, unwritten: pending, fault: error };
  }
  const outcomes = [...pending.outcomes];
  const cancels = [...pending.cancels];
  const stop = (fault: unknown) => ({ ...report, unwritten: { outcomes, cancels }, fault });
  while (outcomes.length > 0) {
    const outcome = outcomes[0] as AttemptOutcome;
    try {
      report.disabled.push(...(await write(store, [outcome], [], options)));
    } catch (error) {
      if (!isDataError(error)) return stop(error);
      const note = `(response body not stored: ${storableText(firstLine(error), 200)})`;
      try {
        if (outcome.attempt.b === null) throw error;
        report.disabled.push(...(await write(store, [{ ...outcome, attempt: { ...outcome.attempt, b: note } }], [], options)));
        report.withoutBody.push(outcome.attempt.d);
      } catch (again) {
        if (!isDataError(again)) return stop(again);
        report.dropped.push({ deliveryId: outcome.attempt.d, error: firstLine(again) });
      }
    }
    outcomes.shift();
  }
  while (cancels.length > 0) {
    const cancel = cancels[0] as DeliveryUpdateRow;
    try {
      await write(store, [], [cancel], options);
    } catch (error) {
      if (!isDataError(error)) return stop(error);
      report.dropped.push({ deliveryId: cancel.d, error: firstLine(error) });
    }
    cancels.shift();
  }
  return report;
}
