import type { Logger } from '../logging/logger.js';

/**
 * SIGINT and SIGTERM (and Ctrl-C or a Windows service stop, which Node delivers as SIGINT)
 * stop the service gracefully; a second signal while stopping exits at once.
 */
export function onShutdownSignal(logger: Logger, stop: (signal: string) => Promise<void>): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn(`received ${signal} again: exiting without waiting`, { component: 'service' });
      process.exit(130);
    }
    stopping = true;
    logger.info(`received ${signal}: stopping`, { component: 'service' });
    void stop(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  signals.forEach((signal) => process.on(signal, handler));
  return () => signals.forEach((signal) => process.off(signal, handler));
}
