import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventSchemaFiles, SCHEMA_FILES_DIR } from '../../src/outbox/event-catalog/schema-files.js';

// `npm run event-schemas`: rewrites docs/event-types from the event catalog (prettier lays them out after).
const root = fileURLToPath(new URL('../../../', import.meta.url));
for (const file of eventSchemaFiles()) {
  await writeFile(join(root, SCHEMA_FILES_DIR, file.name), `${JSON.stringify(file.schema, null, 2)}\n`);
  process.stdout.write(`wrote ${SCHEMA_FILES_DIR}/${file.name}\n`);
}
