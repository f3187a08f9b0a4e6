import { loadConfig, resolveFromCwd } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { configuredTransports } from '../logging/transports.js';

export interface GlobalOptions {
  config?: string;
}

export interface CliContext {
  config: Config;
  logger: Logger;
}

/** Loads the configuration (file, then environment) and a logger, once per command. */
export function loadCliContext(options: GlobalOptions, overrides?: Record<string, unknown>): CliContext {
  const config = loadConfig({ file: options.config ? resolveFromCwd(options.config) : undefined, overrides });
  const logger = createLogger({
    level: config.log.level,
    format: config.log.format,
    env: config.env,
    transports: configuredTransports(config.log),
  });
  return { config, logger };
}
