import type { Command } from 'commander';
import { ensureDemoCrm } from '../../demo/crm-schema.js';
import { buildComponents } from '../../service/components.js';
import type { ServiceContext } from '../../kernel/context.js';
import { openDatabases } from '../../service/databases.js';
import { Service } from '../../kernel/service.js';
import { onShutdownSignal } from '../../kernel/signals.js';
import { assertSchemaCurrent, migrate } from '../../store/migrate.js';
import { assertStoreSettings } from '../../store/store-settings.js';
import { loadCliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { action } from '../action.js';
import { HttpServer } from '../../api/server.js';
import { nextSteps } from '../next-steps.js';

interface RunOptions {
  demo?: boolean;
  migrate: boolean;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run', { isDefault: true })
    .description('run the service: capture, delivery and the HTTP API (the default command)')
    .option('--demo', 'create the demo CRM beside the store and simulate CRM activity (never with a configured source)')
    .option('--no-migrate', 'do not apply migrations; only check that the store schema is current')
    .action(
      action(async (options: RunOptions, command: Command) => {
        const { config, logger } = loadCliContext(command.optsWithGlobals());
        if (options.demo && config.source.url !== null && config.source.url !== config.store.url) {
          throw new UsageError(
            '--demo writes demo tables and activity into the source database, so it runs only when source.url is not set (the store is the demo CRM)',
          );
        }
        const databases = await openDatabases(config, { serveEmbedded: true });
        try {
          await assertStoreSettings(databases.store, databases.source === databases.store);
          if (options.migrate) await migrate(databases.store, logger);
          const schema = await assertSchemaCurrent(databases.store);
          logger.info(`store schema at version ${schema.current}`, { component: 'service' });
          if (options.demo && (await ensureDemoCrm(databases.source))) {
            logger.info('created the demo CRM (dbo and api schemas) with seed data', { component: 'demo' });
          }
        } catch (error) {
          await databases.close();
          throw error;
        }
        const ctx: ServiceContext = { config, logger, store: databases.store, source: databases.source };
        const components = buildComponents(ctx, { demo: options.demo === true });
        const service = new Service(ctx, components, databases.close);
        const stopped = new Promise<void>((resolve) => {
          onShutdownSignal(logger, async () => {
            await service.stop();
            resolve();
          });
        });
        await service.start();
        logger.info(`service running${options.demo ? ' with the demo CRM' : ''}; Ctrl-C stops it`, { component: 'service' });
        const http = components.find((component): component is HttpServer => component instanceof HttpServer);
        const served = databases.store.embedded?.served;
        if (served) {
          logger.info(`other outbox commands reach this embedded store through the service (127.0.0.1:${served.port}) while it runs`, {
            component: 'service',
          });
        }
        if (http?.address) {
          for (const line of nextSteps(http.address, command.optsWithGlobals<{ config?: string }>().config))
            logger.info(line, { component: 'service' });
        }
        await stopped;
        logger.info('service stopped', { component: 'service' });
      }),
    );
}
