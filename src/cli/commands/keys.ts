import type { Command } from 'commander';
import { createApiKey, listApiKeys, parseScopes, revokeApiKey } from '../../api/api-keys.js';
import { openCurrentStore } from '../../service/databases.js';
import { action } from '../action.js';
import { UsageError } from '../exit-codes.js';
import { loadCliContext } from '../context.js';

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('manage API keys for the integration API');

  keys
    .command('create')
    .description('create an API key and print it once (the store keeps only its SHA-256 hash)')
    .requiredOption('--name <name>', 'who or what uses the key, e.g. "zapier"')
    .requiredOption('--scopes <list>', 'comma-separated: events:read, integrations:read, integrations:write, admin')
    .option('--json', 'print {"id", "key", "prefix", "scopes"} as JSON')
    .action(
      action(async (options: { name: string; scopes: string; json?: boolean }, command: Command) => {
        let scopes;
        try {
          scopes = parseScopes(options.scopes);
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
        const { config } = loadCliContext(command.optsWithGlobals());
        const store = await openCurrentStore(config);
        try {
          const created = await createApiKey(store, options.name, scopes);
          process.stdout.write(
            options.json
              ? `${JSON.stringify({ id: created.id, key: created.key, prefix: created.prefix, scopes })}\n`
              : `API key ${created.id} (${options.name}, ${scopes.join(',')}):\n\n  ${created.key}\n\nIt is shown only now: store it in your secret manager.\n`,
          );
        } finally {
          await store.close();
        }
      }),
    );

  keys
    .command('list')
    .description('list API keys (prefix, scopes, state; never the key)')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }, command: Command) => {
        const { config } = loadCliContext(command.optsWithGlobals());
        const store = await openCurrentStore(config);
        try {
          const all = await listApiKeys(store);
          if (options.json) {
            process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
            return;
          }
          const lines = all.map(
            (k) =>
              `${String(k.id).padStart(5)}  ${k.prefix}…  ${k.name.padEnd(20)} ${k.scopes.join(',').padEnd(40)} ${k.revokedUtc ? `revoked ${k.revokedUtc}` : 'active'}`,
          );
          process.stdout.write(
            lines.length ? `${lines.join('\n')}\n` : 'no API keys yet: outbox keys create --name N --scopes events:read\n',
          );
        } finally {
          await store.close();
        }
      }),
    );

  keys
    .command('revoke <idOrPrefix>')
    .description('revoke an API key by id or prefix; requests with it get 401 within api.keyCacheMs')
    .action(
      action(async (idOrPrefix: string, _options: unknown, command: Command) => {
        const { config } = loadCliContext(command.optsWithGlobals());
        const store = await openCurrentStore(config);
        try {
          if (!(await revokeApiKey(store, idOrPrefix))) throw new UsageError(`no active API key ${idOrPrefix}`);
          process.stdout.write(`revoked API key ${idOrPrefix}\n`);
        } finally {
          await store.close();
        }
      }),
    );
}
