import type { Command } from 'commander';
import { openStore } from '../../service/databases.js';
import { type GapStatus, readStoreStatus, type StoreStatus } from '../../store/status.js';
import { loadCliContext } from '../context.js';
import { action } from '../action.js';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('show the store version, capture watermarks, outbox size, deliveries and lag')
    .option('--json', 'print JSON instead of text')
    .action(
      action(async (options: { json?: boolean }, command: Command) => {
        const { config } = loadCliContext(command.optsWithGlobals());
        const store = await openStore(config);
        try {
          const status = await readStoreStatus(store);
          process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
        } finally {
          await store.close();
        }
      }),
    );
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

function formatGaps(g: GapStatus): string {
  const pending =
    g.pendingRanges === 0
      ? 'none pending'
      : `pending ${plural(g.pendingKeys, 'key')} in ${plural(g.pendingRanges, 'range')} since ${g.oldestPendingSeenUtc}`;
  const expired = g.lastExpired
    ? `; given up ${plural(g.expiredKeys, 'key')} in ${plural(g.expiredRanges, 'range')}, last ${g.lastExpired.firstKey}..${g.lastExpired.lastKey} at ${g.lastExpired.expiredUtc}`
    : '';
  return `  ${g.source.padEnd(28)} ${pending}${expired}`;
}

export function formatStatus(status: StoreStatus): string {
  const lines = [
    `store schema      version ${status.schema.current} of ${status.schema.latest}${status.schema.pending.length ? ` (pending: ${status.schema.pending.join(', ')})` : ''}`,
    `outbox events     ${status.outbox.events}${status.outbox.newestEventId === null ? '' : ` (newest #${status.outbox.newestEventId} at ${status.outbox.newestCreatedUtc})`}`,
    `capture lag       ${status.captureLagSeconds === null ? 'no live events yet' : `${status.captureLagSeconds} s since the newest live event happened in the CRM (backfills left out)`}`,
    `deliveries        ${status.deliveries.pending} pending, ${status.deliveries.failed} failed${status.deliveries.oldestPendingDueUtc ? ` (oldest due ${status.deliveries.oldestPendingDueUtc})` : ''}`,
    'watermarks',
    ...(status.watermarks.length === 0
      ? ['  (none yet: capture has not run)']
      : status.watermarks.map((w) => `  ${w.source.padEnd(28)} ${String(w.lastKey).padStart(12)}  updated ${w.updatedUtc}`)),
    'capture gaps (keys passed while missing; given up after capture.gapTimeoutMs)',
    ...(status.gaps.length === 0 ? ['  (none)'] : status.gaps.map(formatGaps)),
  ];
  return `${lines.join('\n')}\n`;
}
