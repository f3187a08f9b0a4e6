/**
 * Rows of an OUTPUT clause under the column names the statement gave them. SQL Server keeps the
 * case of `OUTPUT inserted.EventId`; Babelfish returns OUTPUT columns in lower case, even when
 * aliased, so each row's keys are matched to `columns` without regard to case.
 */
export function outputRows<Column extends string>(rows: readonly object[], columns: readonly Column[]): Record<Column, unknown>[] {
  return rows.map((row) => {
    const byLowerName = new Map(Object.entries(row).map(([name, value]) => [name.toLowerCase(), value] as const));
    const named = {} as Record<Column, unknown>;
    for (const column of columns) named[column] = byLowerName.get(column.toLowerCase());
    return named;
  });
}
