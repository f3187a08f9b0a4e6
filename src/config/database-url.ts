import { MSSQL_SCHEMA, parse as parseAdoNet } from '@tediousjs/connection-string';

/** Where a database lives, parsed from one of the URL forms the config accepts. */
export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string | null }
  | { kind: 'postgres'; connectionString: string; host: string; port: number; database: string; user: string }
  | {
      kind: 'mssql';
      server: string;
      port: number | null;
      instanceName: string | null;
      database: string;
      user: string;
      password: string;
      encrypt: boolean;
      trustServerCertificate: boolean;
    };

export const DATABASE_URL_EXAMPLES =
  "pglite:./data/store, postgres://user:pass@host:5432/db, mssql://user:pass@host:1433/db?encrypt=true or 'Server=host,1433;Database=crm;User Id=user;Password=...;Encrypt=True'";

export class DatabaseUrlError extends Error {}

export function parseDatabaseUrl(raw: string): DatabaseTarget {
  const value = raw.trim();
  if (value === '') throw new DatabaseUrlError('is empty');
  if (value.startsWith('pglite:')) return parsePglite(value);
  if (/^postgres(ql)?:\/\//i.test(value)) return parsePostgres(value);
  if (/^(mssql|sqlserver):\/\//i.test(value)) return parseMssqlUrl(value);
  if (/^\s*(server|data source|address|addr|network address)\s*=/i.test(value) || value.includes(';')) {
    return parseMssqlAdoNet(value);
  }
  throw new DatabaseUrlError('is not a database URL this service understands');
}

function parsePglite(value: string): DatabaseTarget {
  const rest = value.slice('pglite:'.length);
  if (rest === 'memory' || rest === 'memory://' || rest === '') return { kind: 'pglite', dataDir: null };
  return { kind: 'pglite', dataDir: rest.replace(/^\/\/(?=\.|\/)/, '') };
}

function parsePostgres(value: string): DatabaseTarget {
  const url = tryUrl(value);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname) throw new DatabaseUrlError('has no host');
  if (!database) throw new DatabaseUrlError('has no database name after the host');
  return {
    kind: 'postgres',
    connectionString: value,
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    database,
    user: decodeURIComponent(url.username),
  };
}

const TRUE_WORDS = new Set(['true', 'yes', '1', 'strict', 'mandatory']);
const FALSE_WORDS = new Set(['false', 'no', '0', 'optional']);

function parseFlag(name: string, raw: string | null | undefined, fallback: boolean): boolean {
  if (raw === null || raw === undefined || raw === '') return fallback;
  const word = String(raw).toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new DatabaseUrlError(`has ${name}=${raw}, expected true or false`);
}

function parseMssqlUrl(value: string): DatabaseTarget {
  const url = tryUrl(value);
  if (!url.hostname) throw new DatabaseUrlError('has no host');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new DatabaseUrlError('has no database name after the host');
  const params = url.searchParams;
  return {
    kind: 'mssql',
    server: url.hostname,
    port: url.port ? Number(url.port) : params.get('instanceName') ? null : 1433,
    instanceName: params.get('instanceName'),
    database,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    encrypt: parseFlag('encrypt', params.get('encrypt'), true),
    trustServerCertificate: parseFlag('trustServerCertificate', params.get('trustServerCertificate'), false),
  };
}

function parseMssqlAdoNet(value: string): DatabaseTarget {
  let fields: Record<string, unknown>;
  try {
    fields = parseAdoNet(value).toSchema(MSSQL_SCHEMA) as Record<string, unknown>;
  } catch {
    throw new DatabaseUrlError('is not a valid SQL Server connection string');
  }
  const dataSource = String(fields['data source'] ?? '').replace(/^tcp:/i, '');
  if (!dataSource) throw new DatabaseUrlError('has no Server= (or Data Source=)');
  const database = String(fields['initial catalog'] ?? '');
  if (!database) throw new DatabaseUrlError('has no Database= (or Initial Catalog=)');
  // "host\instance" names an instance resolved through SQL Browser; "host,1433" names a port.
  const [hostAndInstance = '', portText] = dataSource.split(',');
  const [host = '', instanceName] = hostAndInstance.split('\\');
  const port = portText ? Number(portText.trim()) : instanceName ? null : 1433;
  if (port !== null && !Number.isInteger(port)) throw new DatabaseUrlError(`has a port that is not a number: ${portText}`);
  if (fields['integrated security'] === true) {
    throw new DatabaseUrlError('uses Integrated Security, which this service does not support: give User Id and Password');
  }
  const encryptRaw = fields['encrypt'];
  return {
    kind: 'mssql',
    server: host.trim() === '.' || host.trim().toLowerCase() === '(local)' ? 'localhost' : host.trim(),
    port,
    instanceName: instanceName ? instanceName.trim() : null,
    database,
    user: String(fields['user id'] ?? ''),
    password: String(fields['password'] ?? ''),
    encrypt: typeof encryptRaw === 'boolean' ? encryptRaw : parseFlag('Encrypt', encryptRaw as string | undefined, true),
    trustServerCertificate: Boolean(fields['trustservercertificate'] ?? fields['trust server certificate'] ?? false),
  };
}

function tryUrl(value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new DatabaseUrlError('is not a valid URL');
  }
}

/** A description of a target that is safe to log: never the password. */
export function describeTarget(target: DatabaseTarget): string {
  switch (target.kind) {
    case 'pglite':
      return target.dataDir === null ? 'pglite:memory' : `pglite:${target.dataDir}`;
    case 'postgres':
      return `postgres://${target.user ? `${target.user}@` : ''}${target.host}:${target.port}/${target.database}`;
    case 'mssql': {
      const where = target.instanceName ? `${target.server}\\${target.instanceName}` : `${target.server}:${target.port}`;
      return `mssql://${target.user ? `${target.user}@` : ''}${where}/${target.database}`;
    }
  }
}

/**
 * Masks credentials in any text that may carry a connection string. A password that was not
 * URL-encoded may hold '@', '/' or spaces, so it runs to the last '@' on the line: masking too
 * much is harmless, showing a piece of it is not.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)[^\n]*@/gi, '$1***@')
    .replace(/((?:^|;)\s*(?:password|pwd)\s*=\s*)("[^"]*"|'[^']*'|[^;]*)/gi, '$1***');
}
