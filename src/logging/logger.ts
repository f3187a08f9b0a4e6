import winston from 'winston';
import { redactSecrets } from '../config/database-url.js';

export type Logger = winston.Logger;

export interface LoggerOptions {
  level: 'error' | 'warn' | 'info' | 'debug';
  /** 'auto' is JSON lines in production and readable lines otherwise. */
  format: 'auto' | 'json' | 'text';
  env: 'development' | 'production';
  /** Extra transports (files, the Windows event log) added by the service's operations part. */
  transports?: winston.transport[];
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|^key$/i;

/** Secrets never reach a log line, whatever a caller passes as metadata. */
const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    const value = info[key];
    if (SECRET_KEY.test(key) && value !== undefined && value !== null) info[key] = '***';
    else if (typeof value === 'string') info[key] = redactSecrets(value);
  }
  if (typeof info.message === 'string') info.message = redactSecrets(info.message);
  return info;
});

const readable = winston.format.printf((info) => {
  const { level, message, timestamp, component, ...rest } = info;
  const fields = Object.entries(rest)
    .filter(([key]) => typeof key === 'string' && key !== 'splat')
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const where = component ? ` [${String(component)}]` : '';
  return `${String(timestamp)} ${level}${where} ${String(message)}${fields ? ` ${fields}` : ''}`;
});

export function createLogger(options: LoggerOptions): Logger {
  const json = options.format === 'json' || (options.format === 'auto' && options.env === 'production');
  return winston.createLogger({
    level: options.level,
    format: winston.format.combine(redact(), winston.format.timestamp(), json ? winston.format.json() : readable),
    transports: [new winston.transports.Console({ stderrLevels: [] }), ...(options.transports ?? [])],
  });
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
