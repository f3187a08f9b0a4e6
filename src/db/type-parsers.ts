/**
 * PostgreSQL type OIDs whose default JavaScript form differs from what tedious gives for the
 * SQL Server column of the same role. Parsing them the same way on every driver lets the rest
 * of the code be written once.
 */
export const PG_INT8 = 20;
export const PG_NUMERIC = 1700;
export const PG_DATE = 1082;
export const PG_TIMESTAMP = 1114;

/** bigint identities fit in a double for any realistic outbox (2^53). */
const toNumber = (text: string): number => Number(text);
/** Source timestamps have no zone: keep the wall clock as text, never a local-time Date. */
const keepText = (text: string): string => text;

export const PG_PARSERS: Readonly<Record<number, (text: string) => unknown>> = {
  [PG_INT8]: toNumber,
  [PG_NUMERIC]: toNumber,
  [PG_DATE]: keepText,
  [PG_TIMESTAMP]: keepText,
};
