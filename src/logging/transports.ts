import { createRequire } from 'node:module';
import winston from 'winston';
import Transport from 'winston-transport';
import DailyRotateFile from 'winston-daily-rotate-file';
import type { Config } from '../config/schema.js';

/** Files rotated daily (and by size), as ops expect beside a Windows service or a systemd unit. */
function rotatingFiles(file: Config['log']['file']): winston.transport {
  return new DailyRotateFile({
    dirname: file.directory,
    filename: 'outbox-%DATE%.log',
    datePattern: 'YYYY-MM-DD',
    maxSize: file.maxSize,
    maxFiles: file.maxFiles,
    zippedArchive: false,
    // Files are read by tools: always JSON lines, whatever the console shows.
    format: winston.format.json(),
  });
}

interface EventLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Warnings and errors to the Windows event log (Application), through node-windows. */
class WindowsEventLogTransport extends Transport {
  readonly #log: EventLogger;
  constructor(source: string) {
    super({ level: 'warn' });
    const require = createRequire(import.meta.url);
    const { EventLogger } = require('node-windows') as { EventLogger: new (source: string) => EventLogger };
    this.#log = new EventLogger(source);
  }

  override log(info: { level: string; message: unknown }, next: () => void): void {
    const text = String(info.message);
    if (info.level === 'error') this.#log.error(text);
    else if (info.level === 'warn') this.#log.warn(text);
    else this.#log.info(text);
    next();
  }
}

/** The extra transports the log section asks for. */
export function configuredTransports(log: Config['log'], platform: NodeJS.Platform = process.platform): winston.transport[] {
  const transports: winston.transport[] = [];
  if (log.file.enabled) transports.push(rotatingFiles(log.file));
  if (log.windowsEventLog && platform === 'win32') transports.push(new WindowsEventLogTransport('crm-outbox'));
  return transports;
}
