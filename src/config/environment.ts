/**
 * Environment variables and the config path each one overrides. The parse function turns the
 * text of the variable into the JSON value the schema expects.
 */
export interface EnvironmentOverride {
  variable: string;
  path: readonly string[];
  parse: (text: string) => unknown;
}

const asText = (text: string): string => text;
const asNumber = (text: string): unknown => (/^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text);

export const ENVIRONMENT_OVERRIDES: readonly EnvironmentOverride[] = [
  { variable: 'OUTBOX_ENV', path: ['env'], parse: asText },
  { variable: 'OUTBOX_COMPANY_ID', path: ['companyId'], parse: asNumber },
  { variable: 'OUTBOX_STORE_URL', path: ['store', 'url'], parse: asText },
  { variable: 'OUTBOX_SOURCE_URL', path: ['source', 'url'], parse: asText },
  { variable: 'OUTBOX_SOURCE_TIMEZONE', path: ['source', 'timezone'], parse: asText },
  { variable: 'OUTBOX_HTTP_HOST', path: ['http', 'host'], parse: asText },
  { variable: 'OUTBOX_HTTP_PORT', path: ['http', 'port'], parse: asNumber },
  { variable: 'OUTBOX_LOG_LEVEL', path: ['log', 'level'], parse: asText },
  { variable: 'OUTBOX_LOG_FORMAT', path: ['log', 'format'], parse: asText },
];

export function variableFor(path: readonly PropertyKey[]): string | undefined {
  const key = path.map(String).join('.');
  return ENVIRONMENT_OVERRIDES.find((o) => o.path.join('.') === key)?.variable;
}
