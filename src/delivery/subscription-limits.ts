/**
 * The longest url and description a subscription's columns hold, in UTF-16 code units: SQL Server's
 * nvarchar(n) counts those, so a character outside the BMP (an emoji) takes two. JSON Schema's
 * maxLength counts characters, so a text within it can still be too long for the column.
 */
export const SUBSCRIPTION_TEXT_LIMITS = { url: 2048, description: 500 } as const;

/** What is wrong with the text's length for a column of `maxUnits` UTF-16 units, or null. */
export function storedLengthProblem(text: string, maxUnits: number): string | null {
  if (text.length <= maxUnits) return null;
  return `is ${text.length} UTF-16 code units long; at most ${maxUnits} fit (a character outside the BMP, such as an emoji, counts as two)`;
}
