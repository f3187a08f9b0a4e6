import type { Command } from 'commander';
import { deliveryCounts } from '../../delivery/delivery-log.js';
import type { Subscription } from '../../delivery/subscription-service.js';
import { assignOwner, findOwnerKey, OwnerError } from '../../api/subscription-owner.js';
import { kyselySubscriptionStore } from '../../delivery/subscriptions.js';
import { openCurrentStore } from '../../service/databases.js';
import { action } from '../action.js';
import { loadCliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { subscriptionView } from '../../api/subscription-view.js';
import { positiveId } from './deliveries.js';

/** The API's view, so `--json` output reads like GET /webhooks/subscriptions, plus the owner key. Never the secret. */
function view(s: Subscription): Record<string, unknown> {
  return { ...subscriptionView(s), owner_key_id: s.ownerKeyId };
}

function line(s: Subscription): string {
  const state = s.enabled ? 'enabled ' : 'disabled';
  return `${String(s.id).padStart(5)}  ${state}  ${s.eventTypes.join(',').padEnd(30)} ${s.url}`;
}

const PAGE = 500;

export function registerSubscriptionsCommand(program: Command): void {
  const subscriptions = program
    .command('subscriptions')
    .description('look at webhook subscriptions and assign their owner key (the API creates and changes them)');

  subscriptions
    .command('list')
    .description('list every subscription: id, state, event types and URL (never the secret)')
    .option('--json', 'print a JSON array')
    .action(
      action(async (options: { json?: boolean }, command: Command) => {
        const { config } = loadCliContext(command.optsWithGlobals());
        const store = await openCurrentStore(config);
        try {
          const subscriptionStore = kyselySubscriptionStore(store, { secretOverlapHours: config.delivery.secretOverlapHours });
          const all: Subscription[] = [];
          for (let after = 0; ;) {
            const page = await subscriptionStore.list(after, PAGE);
            all.push(...page);
            if (page.length < PAGE) break;
            after = (page.at(-1) as Subscription).id;
          }
          if (options.json) process.stdout.write(`${JSON.stringify(all.map(view), null, 2)}\n`);
          else
            process.stdout.write(
              all.length ? `${all.map(line).join('\n')}\n` : 'no subscriptions yet: create one with POST /api/v1/webhooks/subscriptions\n',
            );
        } finally {
          await store.close();
        }
      }),
    );

  subscriptions
    .command('show <id>')
    .description('one subscription and its deliveries counted by outcome')
    .option('--json', 'print JSON')
    .action(
      action(async (idText: string, options: { json?: boolean }, command: Command) => {
        const id = positiveId(idText, 'id');
        const { config } = loadCliContext(command.optsWithGlobals());
        const store = await openCurrentStore(config);
        try {
          const found = await kyselySubscriptionStore(store, { secretOverlapHours: config.delivery.secretOverlapHours }).get(id);
          if (!found) throw new UsageError(`no subscription ${id}; outbox subscriptions list shows them all`);
          const deliveries = await deliveryCounts(store, id);
          if (options.json) {
            process.stdout.write(`${JSON.stringify({ ...view(found), deliveries }, null, 2)}\n`);
            return;
          }
          const rows: [string, string][] = [
            ['id', String(found.id)],
            ['url', found.url],
            ['event types', found.eventTypes.join(', ')],
            ['description', found.description ?? ''],
            ['state', found.enabled ? 'enabled' : `disabled: ${found.disabledReason ?? 'by a user'}`],
            ['created', found.createdUtc],
            ['updated', found.updatedUtc],
            ['owner', found.ownerKeyId === null ? 'no key (only admin keys manage it)' : `API key ${found.ownerKeyId}`],
            [
              'deliveries',
              Object.entries(deliveries)
                .map(([status, n]) => `${n} ${status}`)
                .join(', '),
            ],
          ];
          process.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(12)} ${v}`).join('\n')}\n`);
        } finally {
          await store.close();
        }
      }),
    );

  subscriptions
    .command('assign-owner [id]')
    .description('make an API key the owner of a subscription (or of every one without an owner), so that key can change and delete it')
    .requiredOption('--key <key>', 'the owner: an API key id, prefix or name (outbox keys list)')
    .option('--all-unowned', 'every subscription that has no owner (made before migration 0007 or outside the API)')
    .action(
      action(async (idText: string | undefined, options: { key: string; allUnowned?: boolean }, command: Command) => {
        if ((idText === undefined) === !options.allUnowned) throw new UsageError('give either a subscription id or --all-unowned');
        const target = idText === undefined ? 'all-unowned' : positiveId(idText, 'id');
        const { config } = loadCliContext(command.optsWithGlobals());
        const store = await openCurrentStore(config);
        try {
          const key = await findOwnerKey(store, options.key);
          const assigned = await assignOwner(store, key.id, target);
          const owner = `API key ${key.id} (${key.name})`;
          if (assigned.length === 0) {
            process.stdout.write('no subscription is without an owner\n');
            return;
          }
          const lines = assigned.map(
            (a) =>
              `subscription ${a.subscriptionId} now belongs to ${owner}` +
              (a.previousOwnerKeyId !== null && a.previousOwnerKeyId !== key.id ? ` (was API key ${a.previousOwnerKeyId})` : ''),
          );
          process.stdout.write(`${lines.join('\n')}\n`);
        } catch (error) {
          throw error instanceof OwnerError ? new UsageError(error.message) : error;
        } finally {
          await store.close();
        }
      }),
    );
}
