import { sql, type RawBuilder } from 'kysely';
import type { DeliveryStatus } from '../../store-tables.js';

const STATUSES: ReadonlySet<DeliveryStatus> = new Set(['pending', 'succeeded', 'failed', 'cancelled']);

/**
 * N'pending' and the like: Status is nvarchar, and the filtered indexes are declared with the
 * N'' literal. Only the four statuses are ever written into a statement.
 * https://learn.microsoft.com/sql/relational-databases/indexes/create-filtered-indexes#filtered-indexes-and-parameters
 */
export function statusLiteral(status: DeliveryStatus): RawBuilder<DeliveryStatus> {
  if (!STATUSES.has(status)) throw new Error(`not a delivery status: ${String(status)}`);
  return sql.raw<DeliveryStatus>(`N'${status}'`);
}
