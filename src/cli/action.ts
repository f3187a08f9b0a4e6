import { describeError, exitCodeFor } from './exit-codes.js';

/**
 * Wraps a command's action: any error becomes one line on stderr and its exit code. The stack
 * is shown only with OUTBOX_DEBUG=1, for developers.
 */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
      process.exitCode = 0;
    } catch (error) {
      process.stderr.write(`${describeError(error)}\n`);
      if (process.env['OUTBOX_DEBUG'] === '1' && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
      process.exit(exitCodeFor(error));
    }
  };
}
