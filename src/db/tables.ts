import type { SourceTables } from './source-tables.js';
import type { StoreTables } from './store-tables.js';

/** One type for both connections: the store and the source may be the same database. */
export type Tables = StoreTables & SourceTables;
