import { randomBytes } from 'node:crypto';
import type { Logger } from './logger.js';

/**
 * A child logger whose every line carries one correlation id, so the lines of one capture cycle
 * or one delivery can be found together (e.g. `cap-3f9a1c2e`, `dlv-1842`).
 */
export function withCorrelation(logger: Logger, prefix: string, id: string | number = randomBytes(4).toString('hex')): Logger {
  return logger.child({ correlationId: `${prefix}-${id}` });
}
