import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { redactSecrets } from './database-url.js';
import { ENVIRONMENT_OVERRIDES, variableFor } from './environment.js';
import { type Config, configSchema } from './schema.js';

/** A configuration problem: the CLI prints the message as one line and exits with code 2. */
export class ConfigError extends Error {}

export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../../config/default.json', import.meta.url));

export interface LoadConfigOptions {
  /** A config file given with --config; the packaged default.json otherwise. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Values set by command-line flags, applied last. */
  overrides?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const fromFile = readConfigFile(options.file ?? env['OUTBOX_CONFIG'] ?? DEFAULT_CONFIG_FILE);
  const merged = deepMerge(fromFile, fromEnvironment(env));
  return validateConfig(options.overrides ? deepMerge(merged, options.overrides) : merged);
}

export function validateConfig(input: unknown): Config {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(describeIssue(result.error.issues[0], input));
}

function readConfigFile(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`config file ${file}: cannot be read (${code ?? 'error'}); expected a JSON file such as config/default.json`);
  }
  let value: unknown;
  try {
    value = JSON.parse(stripJsonComments(text));
  } catch (error) {
    throw new ConfigError(`config file ${file}: is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`config file ${file}: expected a JSON object at the top level`);
  }
  const { $comment: _ignored, ...rest } = value as Json;
  return rest;
}

/** Ops annotate config files; allow whole-line // comments, which JSON.parse would refuse. */
function stripJsonComments(text: string): string {
  return text.replace(/^\s*\/\/.*$/gm, '');
}

function fromEnvironment(env: NodeJS.ProcessEnv): Json {
  const result: Json = {};
  for (const override of ENVIRONMENT_OVERRIDES) {
    const text = env[override.variable];
    if (text === undefined || text === '') continue;
    setPath(result, override.path, override.parse(text));
  }
  return result;
}

function setPath(target: Json, keys: readonly string[], value: unknown): void {
  let node = target;
  keys.slice(0, -1).forEach((key) => {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Json;
  });
  node[keys[keys.length - 1] as string] = value;
}

export function deepMerge(base: Json, over: Json): Json {
  const result: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = result[key];
    result[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return result;
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeIssue(issue: z.core.$ZodIssue | undefined, input: unknown): string {
  if (!issue) return 'config: invalid';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${issue.path.join('.')}.` : '';
    const keys = issue.keys.map((k) => `${where}${k}`).join(', ');
    return `config: unknown key ${keys}; check the spelling against config/default.json`;
  }
  const key = issue.path.map(String).join('.') || '(root)';
  const variable = variableFor(issue.path);
  const origin = variable ? ` (${variable} or the config file)` : '';
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? '' : `, got ${JSON.stringify(redactSecrets(String(value)))}`;
  return `config: ${key}${origin} ${humanMessage(issue)}${shown}`;
}

function humanMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be a ${issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

function valueAt(input: unknown, keys: readonly PropertyKey[]): unknown {
  let node: unknown = input;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

export function resolveFromCwd(file: string): string {
  return path.resolve(process.cwd(), file);
}
