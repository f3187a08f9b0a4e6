#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { version } from '../version.js';
import { COMMANDS } from './commands/index.js';
import { EXIT } from './exit-codes.js';
import { refuseUnknownCommands } from './unknown-command.js';

const program = new Command()
  .name('outbox')
  .description('Captures CRM changes into an outbox and delivers them to webhooks and pollers.')
  .version(version)
  .option('-c, --config <file>', 'config file (JSON); default config/default.json, or OUTBOX_CONFIG')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

COMMANDS.forEach((register) => register(program));
refuseUnknownCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end through here with exit code 0; usage mistakes are config errors.
    process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.config);
  }
  throw error;
}
