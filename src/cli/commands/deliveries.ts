import type { Command } from 'commander';
import { RecoverError, recoverDeliveries, resendDelivery } from '../../delivery/delivery-store.js';
import { openCurrentStore } from '../../service/databases.js';
import { action } from '../action.js';
import { loadCliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';

function positiveId(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${what} must be a positive whole number, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** A UTC instant: 'YYYY-MM-DD' (midnight UTC) or an ISO 8601 time with Z or an offset. */
function parseSince(text: string): Date {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  const at = new Date(dateOnly ? `${text}T00:00:00Z` : text);
  if ((!dateOnly && !dateTime) || Number.isNaN(at.getTime())) {
    throw new UsageError(`--since must be a UTC date YYYY-MM-DD or an ISO time such as 2026-11-01T08:00:00Z, got ${JSON.stringify(text)}`);
  }
  return at;
}

export function registerDeliveriesCommand(program: Command): void {
  const deliveries = program.command('deliveries').description('re-queue webhook deliveries');

  deliveries
    .command('resend <deliveryId>')
    .description('send one delivery again now, whatever its state, with a fresh series of retries')
    .action(
      action(async (deliveryIdText: string, _options: unknown, command: Command) => {
        const deliveryId = positiveId(deliveryIdText, 'deliveryId');
        const { config, logger } = loadCliContext(command.optsWithGlobals());
        const store = await openCurrentStore(config);
        try {
          if (!(await resendDelivery(store, deliveryId, new Date()))) throw new UsageError(`no delivery ${deliveryId}`);
          logger.info(`delivery ${deliveryId} queued to be sent again`, { component: 'deliveries' });
          process.stdout.write(`delivery ${deliveryId} queued; a running service sends it within delivery.pollIntervalMs\n`);
        } finally {
          await store.close();
        }
      }),
    );

  deliveries
    .command('recover')
    .description("re-queue a subscription's failed and cancelled deliveries since a time, and queue events of its types it never had")
    .requiredOption('--subscription <id>', 'the subscription id')
    .requiredOption('--since <time>', 'events created at or after this UTC time: YYYY-MM-DD or 2026-11-01T08:00:00Z')
    .action(
      action(async (options: { subscription: string; since: string }, command: Command) => {
        const subscriptionId = positiveId(options.subscription, '--subscription');
        const since = parseSince(options.since);
        const { config, logger } = loadCliContext(command.optsWithGlobals());
        const store = await openCurrentStore(config);
        try {
          const result = await recoverDeliveries(store, subscriptionId, since, new Date()).catch((error: unknown) => {
            throw error instanceof RecoverError ? new UsageError(error.message) : error;
          });
          const line = `subscription ${subscriptionId} since ${since.toISOString()}: ${result.requeued} failed or cancelled deliveries re-queued, ${result.fannedOut} events it never had queued`;
          logger.info(line, { component: 'deliveries' });
          process.stdout.write(`${line}\n`);
        } finally {
          await store.close();
        }
      }),
    );
}
