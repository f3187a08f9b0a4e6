import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadCliContext } from '../context.js';
import { action } from '../action.js';
import { UsageError } from '../exit-codes.js';
import { serviceManager } from '../install/platform.js';
import { renderSystemdUnit, type UnitValues } from '../install/systemd-unit.js';

const INSTALL_DIR = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/[\\/]$/, '');

/** The dedicated account the unit runs as must exist; if not, says how to create it. */
function missingServiceAccount(user: string): string | null {
  try {
    execFileSync('id', ['-u', user], { stdio: 'ignore' });
    return null;
  } catch {
    return `the service account '${user}' does not exist: create it with 'sudo useradd --system --user-group --home-dir /var/lib/${user} --create-home --shell /usr/sbin/nologin ${user}', or give --user NAME`;
  }
}

export function registerServiceCommand(program: Command): void {
  const service = program
    .command('service')
    .description('register the service with systemd (Linux) or the Service Control Manager (Windows)');

  service
    .command('install')
    .description('install and enable the service; it reads the same config file as this command')
    .option('--user <name>', 'Linux: the dedicated account the service runs as', 'outbox')
    .option('--print', 'Linux: print the systemd unit instead of installing it')
    .action(
      action(async (options: { user: string; print?: boolean }, command: Command) => {
        const globals = command.optsWithGlobals<{ config?: string }>();
        const { config } = loadCliContext(globals);
        if (!globals.config) throw new UsageError('give --config FILE: the service must read a config file that outlives this shell');
        const values: UnitValues = {
          installDir: INSTALL_DIR,
          node: process.execPath,
          config: path.resolve(globals.config),
          user: options.user,
          shutdownTimeoutMs: config.shutdown.timeoutMs,
        };
        const missingAccount = process.platform === 'win32' ? null : missingServiceAccount(options.user);
        if (options.print) {
          process.stdout.write(renderSystemdUnit(values));
          if (missingAccount) process.stderr.write(`note: ${missingAccount}\n`);
          return;
        }
        if (missingAccount) throw new UsageError(missingAccount);
        process.stdout.write(`${await serviceManager().install(values)}\n`);
      }),
    );

  for (const verb of ['uninstall', 'start', 'stop', 'status'] as const) {
    service
      .command(verb)
      .description(`${verb} the service`)
      .action(
        action(async () => {
          process.stdout.write(`${await serviceManager()[verb]()}\n`);
        }),
      );
  }
}
