import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

/* Checks an answer against the response schema the OpenAPI document declares for it. */

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };

const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);

/** OpenAPI 3.0's `nullable: true` is JSON Schema's type union with null. */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'nullable' || k === 'example') continue;
    out[k] = toJsonSchema(v);
  }
  const s = schema as Record<string, unknown>;
  if (s['nullable'] === true && typeof s['type'] === 'string') out['type'] = [s['type'], 'null'];
  return out;
}

export function responseProblems(doc: Doc, method: string, path: string, status: number, body: unknown): string[] {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  if (!operation) return [`the document has no ${method} ${path}`];
  const response = operation.responses[String(status)];
  if (!response) return [`${method} ${path} does not document status ${status}`];
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return body === undefined ? [] : [`${method} ${path} ${status} documents no body`];
  const validate = ajv.compile(toJsonSchema(schema) as object);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
