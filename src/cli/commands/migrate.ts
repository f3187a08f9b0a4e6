import type { Command } from 'commander';
import type { DialectName } from '../../db/dialect.js';
import { dialectFor } from '../../db/connect.js';
import { parseDatabaseUrl } from '../../config/database-url.js';
import { openStore } from '../../service/databases.js';
import { migrate, printableScript, readSchemaState } from '../../store/migrate.js';
import { listMigrationFiles } from '../../store/migration-files.js';
import { mssqlDialect } from '../../db/dialects/mssql/index.js';
import { postgresDialect } from '../../db/dialects/postgres/index.js';
import { loadCliContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { action } from '../action.js';

interface MigrateOptions {
  print?: boolean;
  all?: boolean;
  dialect?: string;
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending store migrations (each file in one transaction, under a lock)')
    .option('--print', 'write the pending migrations as one script to stdout instead of applying them')
    .option('--all', 'with --print: every migration, without connecting (for a new database)')
    .option('--dialect <name>', "with --print --all: mssql or postgres (default: the store URL's)")
    .addHelpText(
      'after',
      '\nA DBA who runs DDL by hand: outbox migrate --print > pending.sql, review, run it, then start the service with --no-migrate.',
    )
    .action(
      action(async (options: MigrateOptions, command: Command) => {
        const { config, logger } = loadCliContext(command.optsWithGlobals());
        if ((options.all || options.dialect) && !options.print) throw new UsageError('--all and --dialect go with --print');
        if (options.dialect && !options.all) throw new UsageError('--dialect goes with --print --all (otherwise the store decides)');
        if (options.print && options.all) {
          const dialect = options.dialect ? dialectNamed(options.dialect) : dialectFor(parseDatabaseUrl(config.store.url));
          process.stdout.write(printableScript({ dialect }, listMigrationFiles(dialect.name)));
          return;
        }
        const store = await openStore(config);
        try {
          if (options.print) {
            const state = await readSchemaState(store);
            process.stdout.write(
              state.pending.length === 0
                ? `-- the store is at version ${state.current}: nothing to apply\n`
                : printableScript(store, state.pending),
            );
            return;
          }
          const applied = await migrate(store, logger);
          const state = await readSchemaState(store);
          logger.info(
            applied.length === 0
              ? `store schema already at version ${state.current}: nothing to apply`
              : `applied ${applied.length} migration(s); store schema now at version ${state.current}`,
            { component: 'migrate' },
          );
        } finally {
          await store.close();
        }
      }),
    );
}

function dialectNamed(name: string) {
  const dialects: Record<DialectName, typeof mssqlDialect> = { mssql: mssqlDialect, postgres: postgresDialect };
  const dialect = dialects[name as DialectName];
  if (!dialect) throw new UsageError(`--dialect must be mssql or postgres, got ${JSON.stringify(name)}`);
  return dialect;
}
