/**
 * Building blocks of the payload schemas: JSON Schema 2020-12, which is also OpenAPI 3.1's schema
 * language, so one object serves the event-types endpoint, the OpenAPI document and docs/.
 */
export type JsonSchema = Record<string, unknown>;

type Field = JsonSchema & { type: string | string[] };

const field = (type: string, description: string, extra: JsonSchema = {}): Field => ({ type, description, ...extra });

export const id = (description: string): Field => field('integer', description);
export const text = (description: string): Field => field('string', description);
export const money = (description: string): Field => field('number', `${description}; a number, not a string`);
export const flag = (description: string): Field => field('boolean', description);
export const utcTime = (description: string): Field =>
  field('string', `${description}; ISO 8601 UTC with milliseconds and Z`, { format: 'date-time', examples: ['2026-01-28T10:30:00.000Z'] });
export const day = (description: string): Field => field('string', `${description}; YYYY-MM-DD`, { format: 'date' });

/** The same field, where the CRM may leave it empty: the key is always sent, with null. */
export function orNull(schema: Field): Field {
  return { ...schema, type: [schema.type as string, 'null'] };
}

/**
 * A payload: every property is always present (null when the CRM has no value), so all are
 * required. Further properties may be added in later versions; receivers should ignore unknown ones.
 */
export function payloadSchema(title: string, properties: Record<string, Field>): JsonSchema {
  return { title, type: 'object', required: Object.keys(properties), properties };
}
