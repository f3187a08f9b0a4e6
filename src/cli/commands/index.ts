import type { Command } from 'commander';
import { registerDeliveriesCommand } from './deliveries.js';
import { registerDoctorCommand } from './doctor.js';
import { registerKeysCommand } from './keys.js';
import { registerBackfillCommand } from './backfill.js';
import { registerMigrateCommand } from './migrate.js';
import { registerRunCommand } from './run.js';
import { registerServiceCommand } from './service.js';
import { registerStatusCommand } from './status.js';
import { registerSubscriptionsCommand } from './subscriptions.js';

/** Every command of the `outbox` CLI. Each part of the service adds its register call here. */
export const COMMANDS: readonly ((program: Command) => void)[] = [
  registerRunCommand,
  registerMigrateCommand,
  registerStatusCommand,
  registerDoctorCommand,
  registerServiceCommand,
  registerKeysCommand,
  registerBackfillCommand,
  registerDeliveriesCommand,
  registerSubscriptionsCommand,
];
