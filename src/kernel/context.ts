import type { Config } from '../config/schema.js';
import type { Database } from '../db/connect.js';
import type { Logger } from '../logging/logger.js';

/** What every part of the running service is given. */
export interface ServiceContext {
  readonly config: Config;
  readonly logger: Logger;
  /** Where the integration schema lives. */
  readonly store: Database;
  /** The CRM, read only. The same object as store when the two share a database. */
  readonly source: Database;
}
