/**
 * Statements sent per database role ('store', 'source') by this process, for the
 * outbox_db_statements_total metric: what an idle service costs each database. Counted as the
 * query builder sends them (BEGIN and COMMIT included on PostgreSQL); when the CRM and the store
 * are one database, both count as 'store'.
 */
const counts = new Map<string, number>();

export function countStatement(role: string): void {
  counts.set(role, (counts.get(role) ?? 0) + 1);
}

export function statementCounts(): ReadonlyMap<string, number> {
  return counts;
}
