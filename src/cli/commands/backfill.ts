import type { Command } from 'commander';
import { backfill, type BackfillProgress, planBackfill } from '../../capture/backfill.js';
import { captureContext } from '../../capture/options.js';
import { EVENT_TYPES, type EventType, isEventType } from '../../outbox/event-types.js';
import { openDatabases } from '../../service/databases.js';
import { loadCliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { action } from '../action.js';
import { backfillSummary, chosenSubscriptions, DELIVER_HELP, parseDeliver } from '../deliver-option.js';

interface BackfillOptions {
  since: string;
  events?: string;
  deliver?: string;
  dryRun?: boolean;
}

/** One line redrawn in place on a terminal; plain lines per object elsewhere (logs, pipes). */
function progressPrinter(): (p: BackfillProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastObject = '';
  return (p) => {
    const share = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
    if (tty) {
      const width = 30;
      const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
      process.stderr.write(`\r${p.object.padEnd(24)} [${bar}] ${Math.round(share * 100)}%${share >= 1 ? '\n' : ''}`);
    } else if (p.object !== lastObject || share >= 1) {
      process.stderr.write(`${p.object}: ${Math.round(share * 100)}%\n`);
    }
    lastObject = p.object;
  };
}

export function registerBackfillCommand(program: Command): void {
  program
    .command('backfill')
    .description('emit the history since a date into the outbox (resumable; events carry metadata.backfill = true)')
    .requiredOption('--since <date>', "the CRM's local date to start from, YYYY-MM-DD")
    .option(
      '--events <types>',
      `comma-separated event types (default: all that have history: ${EVENT_TYPES.filter((t) => t !== 'invoice.status_changed').join(',')})`,
    )
    .option('--deliver <who>', DELIVER_HELP)
    .option('--dry-run', 'print what would be written and queued, then stop without writing anything')
    .action(
      action(async (options: BackfillOptions, command: Command) => {
        const deliverTo = parseDeliver(options.deliver);
        const { config, logger } = loadCliContext(command.optsWithGlobals());
        if (!/^\d{4}-\d{2}-\d{2}$/.test(options.since))
          throw new UsageError(`--since must be a date YYYY-MM-DD, got ${JSON.stringify(options.since)}`);
        const types = (
          options.events
            ? options.events.split(',').map((t) => t.trim().toLowerCase())
            : EVENT_TYPES.filter((t) => t !== 'invoice.status_changed')
        ) as string[];
        const unknown = types.filter((t) => !isEventType(t));
        if (unknown.length > 0) throw new UsageError(`--events: unknown event type(s) ${unknown.join(', ')}`);
        const databases = await openDatabases(config);
        try {
          const context = captureContext(config, databases.source, databases.store, logger);
          const chosen = await chosenSubscriptions(databases.store, deliverTo, types);
          const planned = await planBackfill(context, options.since, types as EventType[]);
          process.stderr.write(
            `backfill since ${options.since} (the CRM's local date) of ${types.join(', ')}\n` +
              `${backfillSummary(deliverTo, planned, chosen)}\n`,
          );
          if (options.dryRun) {
            process.stderr.write('dry run: nothing written\n');
            return;
          }
          const written = await backfill(context, options.since, types as EventType[], progressPrinter(), deliverTo);
          logger.info(`backfill since ${options.since} wrote ${written} event(s)`, { component: 'backfill' });
        } finally {
          await databases.close();
        }
      }),
    );
}
