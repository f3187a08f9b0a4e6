/** The forms of a time that commands and query strings take, for their error messages. */
export const UTC_INSTANT_FORMS = 'a UTC date YYYY-MM-DD or an ISO time such as 2026-11-01T08:00:00Z';

/**
 * A point in time: 'YYYY-MM-DD' (midnight UTC) or ISO 8601 with Z or an offset. Undefined for
 * anything else: a time without a zone would depend on the reader's.
 */
export function parseUtcInstant(text: string): Date | undefined {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  if (!dateOnly && !dateTime) return undefined;
  const at = new Date(dateOnly ? `${text}T00:00:00Z` : text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
