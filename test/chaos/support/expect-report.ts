import { expect } from 'chai';
import type { RunReport } from './chaos-run.js';

/** The checks every end-to-end scenario makes on its report. */
export function expectNothingLost(report: RunReport, cutLeases: number): void {
  expect(report.missing, 'expected events missing from the outbox').to.deep.equal([]);
  expect(report.unexpected, 'outbox events no change explains').to.deep.equal([]);
  expect(report.outboxDuplicates, 'changes written twice').to.equal(0);
  expect(report.deliveries['pending'] ?? 0, 'deliveries still pending').to.equal(0);
  expect(report.deliveries['failed'] ?? 0, 'deliveries failed').to.equal(0);
  for (const [receiver, count] of Object.entries(report.notReceived)) expect(count, `events ${receiver} never received`).to.equal(0);
  const duplicates = Object.values(report.receiverDuplicates).reduce((a, b) => a + b, 0);
  expect(duplicates, 'duplicates at receivers beyond the leases that were cut').to.be.at.most(cutLeases);
  expect(report.pollerMissing, 'events the poller never read').to.equal(0);
  expect(report.pollerDuplicates, 'events the poller read twice').to.equal(0);
  expect(report.pollerServerErrors, '5xx answers other than 503 to the poller').to.equal(0);
}
