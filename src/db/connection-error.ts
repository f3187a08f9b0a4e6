import { type DatabaseTarget, describeTarget, redactSecrets } from '../config/database-url.js';

/** The database could not be reached or refused the login: the CLI exits with code 3. */
export class ConnectionError extends Error {
  constructor(
    readonly role: string,
    readonly target: DatabaseTarget,
    readonly reason: string,
  ) {
    super(`${role} database ${describeTarget(target)}: ${reason}`);
  }
}

interface DriverError {
  code?: string;
  errno?: number;
  number?: number;
  message?: string;
  errors?: DriverError[];
  cause?: DriverError;
}

/** Turns a driver's error into a short reason an operator can act on, without secrets. */
export function describeConnectionFailure(error: unknown): string {
  const e = (error ?? {}) as DriverError;
  const inner = e.errors?.[0] ?? e.cause;
  const code = e.code ?? inner?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused: is the server running and listening on that host and port?';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found: check the host in the URL';
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      return 'timed out connecting: check the host, port and firewall (connectTimeoutMs)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable: check the network path to the server';
    case '28P01':
    case '28000':
    case 'ELOGIN':
      return `login failed: check the user and password (${redactSecrets(firstLine(e.message))})`;
    case '3D000':
      return `database does not exist (${redactSecrets(firstLine(e.message))})`;
    case 'ESOCKET':
      return `network error: ${redactSecrets(firstLine(inner?.message ?? e.message))}`;
  }
  if (/timeout/i.test(e.message ?? '')) return 'timed out connecting: check the host, port and firewall (connectTimeoutMs)';
  return redactSecrets(firstLine(e.message ?? String(error)));
}

function firstLine(text: string | undefined): string {
  return (text ?? 'unknown error').split('\n')[0] ?? 'unknown error';
}
