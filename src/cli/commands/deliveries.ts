import type { Command } from 'commander';
import type { DeliveryView } from '../../delivery/delivery-log.js';
import { listDeliveries } from '../../delivery/delivery-log.js';
import type { DeliveryStatus } from '../../db/store-tables.js';
import { RecoverError, redelivery } from '../../delivery/redelivery.js';
import { EVENT_TYPES } from '../../outbox/event-types.js';
import { parseUtcInstant, UTC_INSTANT_FORMS } from '../../outbox/utc-instant.js';
import { openCurrentStore } from '../../service/databases.js';
import { action } from '../action.js';
import { loadCliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { parseDeliver } from '../deliver-option.js';
import { planRecover, recoverSummary } from '../recover-plan.js';

export function positiveId(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${what} must be a positive whole number, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function instant(text: string, option: string): Date {
  const at = parseUtcInstant(text);
  if (!at) throw new UsageError(`${option} must be ${UTC_INSTANT_FORMS}, got ${JSON.stringify(text)}`);
  return at;
}

const STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed', 'cancelled'];

function commaList<T extends string>(text: string, valid: readonly T[], option: string): T[] {
  const items = text
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
  const bad = items.filter((item) => !valid.includes(item as T));
  if (items.length === 0 || bad.length > 0) {
    throw new UsageError(`${option} takes a comma-separated list of ${valid.join(', ')}; got ${JSON.stringify(text)}`);
  }
  return items as T[];
}

/** The CLI's answer to RecoverError: the user's mistake, exit code 2. */
const asUsage = (error: unknown): never => {
  throw error instanceof RecoverError ? new UsageError(error.message) : error;
};

interface ListOptions {
  subscription?: string;
  status?: string;
  httpStatus?: string;
  eventType?: string;
  since?: string;
  until?: string;
  limit: string;
  json?: boolean;
}

function deliveryLine(d: DeliveryView): string {
  const outcome = d.last_http_status === null ? (d.last_error ?? '') : `HTTP ${d.last_http_status}`;
  return `${String(d.id).padStart(7)}  ${d.created_utc}  sub ${String(d.subscription_id).padEnd(5)} event ${String(d.event_id).padEnd(8)} ${d.event_type.padEnd(23)} ${d.status.padEnd(9)} ${String(d.attempt_count).padStart(2)} attempts  ${outcome}`;
}

export function registerDeliveriesCommand(program: Command): void {
  const deliveries = program.command('deliveries').description('the delivery log: list, resend or recover webhook deliveries');

  deliveries
    .command('list')
    .description('list deliveries, newest first, optionally narrowed by subscription, outcome, HTTP status, event type and time')
    .option('--subscription <id>', 'only this subscription')
    .option('--status <list>', `outcome, comma-separated: ${STATUSES.join(', ')}`)
    .option('--http-status <code>', "the last attempt's HTTP status, e.g. 500")
    .option('--event-type <list>', 'event types, comma-separated, e.g. client.created,payment.failed')
    .option('--since <time>', 'queued at or after this UTC time: YYYY-MM-DD or 2026-11-01T08:00:00Z')
    .option('--until <time>', 'queued before this UTC time')
    .option('--limit <n>', 'at most this many (1 to 1000)', '50')
    .option('--json', 'print a JSON array')
    .action(
      action(async (options: ListOptions, command: Command) => {
        const limit = positiveId(options.limit, '--limit');
        if (limit > 1000) throw new UsageError(`--limit must be at most 1000, got ${limit}`);
        const httpStatus = options.httpStatus === undefined ? undefined : positiveId(options.httpStatus, '--http-status');
        if (httpStatus !== undefined && (httpStatus < 100 || httpStatus > 599)) {
          throw new UsageError(`--http-status must be an HTTP status from 100 to 599, got ${httpStatus}`);
        }
        const filter = {
          ...(options.subscription === undefined ? {} : { subscriptionId: positiveId(options.subscription, '--subscription') }),
          ...(options.status === undefined ? {} : { statuses: commaList(options.status, STATUSES, '--status') }),
          ...(httpStatus === undefined ? {} : { httpStatus }),
          ...(options.eventType === undefined ? {} : { eventTypes: commaList(options.eventType, EVENT_TYPES, '--event-type') }),
          ...(options.since === undefined ? {} : { since: instant(options.since, '--since') }),
          ...(options.until === undefined ? {} : { until: instant(options.until, '--until') }),
        };
        const { config } = loadCliContext(command.optsWithGlobals());
        const store = await openCurrentStore(config);
        try {
          const found = await listDeliveries(store, filter, 0, limit);
          if (options.json) process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
          else process.stdout.write(found.length ? `${found.map(deliveryLine).join('\n')}\n` : 'no deliveries match\n');
        } finally {
          await store.close();
        }
      }),
    );

  deliveries
    .command('resend <deliveryId>')
    .description('send one delivery again now, whatever its state, with a fresh series of retries')
    .action(
      action(async (deliveryIdText: string, _options: unknown, command: Command) => {
        const deliveryId = positiveId(deliveryIdText, 'deliveryId');
        const { config, logger } = loadCliContext(command.optsWithGlobals());
        const store = await openCurrentStore(config);
        try {
          await redelivery(store).resend(deliveryId).catch(asUsage);
          logger.info(`delivery ${deliveryId} queued to be sent again`, { component: 'deliveries' });
          process.stdout.write(`delivery ${deliveryId} queued; a running service sends it within delivery.pollIntervalMs\n`);
        } finally {
          await store.close();
        }
      }),
    );

  deliveries
    .command('recover')
    .description("re-queue subscriptions' failed and cancelled deliveries since a time, and queue events of their types they never had")
    .option('--subscription <id>', 'the subscription id (the same as --deliver <id>)')
    .option('--deliver <who>', 'which subscriptions: ids such as 3,7, or all (every enabled subscription)')
    .requiredOption('--since <time>', 'events created at or after this UTC time: YYYY-MM-DD or 2026-11-01T08:00:00Z')
    .option('--dry-run', 'print what would be queued, then stop without queuing anything')
    .action(
      action(async (options: { subscription?: string; deliver?: string; since: string; dryRun?: boolean }, command: Command) => {
        if ((options.subscription === undefined) === (options.deliver === undefined)) {
          throw new UsageError('recover needs either --subscription <id> or --deliver <ids|all>: which subscriptions get the deliveries');
        }
        const deliverTo =
          options.subscription !== undefined ? [positiveId(options.subscription, '--subscription')] : parseDeliver(options.deliver);
        const since = instant(options.since, '--since');
        const { config, logger } = loadCliContext(command.optsWithGlobals());
        const store = await openCurrentStore(config);
        try {
          const targets = await planRecover(store, deliverTo, since);
          process.stderr.write(`${recoverSummary(since, targets)}\n`);
          if (options.dryRun) {
            process.stderr.write('dry run: nothing queued\n');
            return;
          }
          for (const target of targets) {
            const result = await redelivery(store).recover(target.id, since).catch(asUsage);
            const line = `subscription ${target.id} since ${since.toISOString()}: ${result.requeued} failed or cancelled deliveries re-queued, ${result.fannedOut} events it never had queued`;
            logger.info(line, { component: 'deliveries' });
            process.stdout.write(`${line}\n`);
          }
        } finally {
          await store.close();
        }
      }),
    );
}
