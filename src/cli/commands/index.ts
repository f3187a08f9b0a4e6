import type { Command } from 'commander';
import { registerBackfillCommand } from './backfill.js';
import { registerMigrateCommand } from './migrate.js';
import { registerRunCommand } from './run.js';
import { registerStatusCommand } from './status.js';

/** Every command of the `outbox` CLI. Each part of the service adds its register call here. */
export const COMMANDS: readonly ((program: Command) => void)[] = [
  registerRunCommand,
  registerMigrateCommand,
  registerStatusCommand,
  registerBackfillCommand,
];
