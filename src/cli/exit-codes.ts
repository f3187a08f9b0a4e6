import { redactSecrets } from '../config/database-url.js';
import { ConfigError } from '../config/load.js';
import { ConnectionError } from '../db/connection-error.js';
import { SchemaError } from '../store/migrate.js';
import { PreconditionError } from '../store/store-settings.js';

/** Exit codes, documented in the README for service managers and scripts. */
export const EXIT = {
  ok: 0,
  failure: 1,
  /** Bad configuration or command-line usage, or a database setting the service cannot run with. */
  config: 2,
  /** A database could not be reached or refused the login. */
  connection: 3,
  /** The store's schema is behind, ahead, or an applied migration file was edited. */
  schema: 4,
} as const;

/** A problem the user can fix, reported as one line with its exit code. */
export class UsageError extends Error {}

export function exitCodeFor(error: unknown): number {
  if (error instanceof ConfigError || error instanceof UsageError || error instanceof PreconditionError) return EXIT.config;
  if (error instanceof ConnectionError) return EXIT.connection;
  if (error instanceof SchemaError) return EXIT.schema;
  return EXIT.failure;
}

/** One line for the terminal: never a stack trace, never a password. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `error: ${redactSecrets(message.split('\n')[0] ?? message)}`;
}
