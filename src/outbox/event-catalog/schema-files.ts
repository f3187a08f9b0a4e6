import { EVENT_CATALOG, standaloneSchema } from './index.js';

/** Where the published payload schemas live in the repository (and the package). */
export const SCHEMA_FILES_DIR = 'docs/event-types';

/**
 * The files of docs/event-types, one per event type, from the same definitions
 * GET /api/v1/event-types serves: `npm run event-schemas` writes them, a test compares them.
 */
export function eventSchemaFiles(): { name: string; schema: Record<string, unknown> }[] {
  return EVENT_CATALOG.map((entry) => ({ name: `${entry.type}.schema.json`, schema: standaloneSchema(entry) }));
}
