/*
 * Reading the portal's forms and query strings: every value arrives as text (or a list of texts
 * for repeated fields); each reader answers the value or a message naming the field.
 */

export class FormError extends Error {}

export type FormFields = Record<string, unknown>;

export function text(fields: FormFields | undefined, name: string): string {
  const value = fields?.[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0].trim() : '';
  return typeof value === 'string' ? value.trim() : '';
}

export function list(fields: FormFields | undefined, name: string): string[] {
  const value = fields?.[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
}

/** A positive whole number, or undefined when the field is empty. */
export function optionalId(fields: FormFields | undefined, name: string, label: string): number | undefined {
  const value = text(fields, name);
  if (value === '') return undefined;
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1) throw new FormError(`${label} must be a positive whole number, got “${value}”.`);
  return Number(value);
}

/** An HTTP status code 100–599, or undefined when empty. */
export function optionalHttpStatus(fields: FormFields | undefined, name: string, label: string): number | undefined {
  const value = optionalId(fields, name, label);
  if (value !== undefined && (value < 100 || value > 599))
    throw new FormError(`${label} must be an HTTP status from 100 to 599, got ${value}.`);
  return value;
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A datetime-local value read as UTC ("2026-11-28T10:30" or with seconds), or undefined when empty. */
export function optionalUtcTime(fields: FormFields | undefined, name: string, label: string): Date | undefined {
  const value = text(fields, name);
  if (value === '') return undefined;
  const match = LOCAL_TIME.exec(value);
  const at = match ? new Date(`${value.length === 16 ? `${value}:00` : value}Z`) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw new FormError(`${label} must be a date and time such as 2026-11-28T10:30, got “${value}”.`);
  return at;
}

/** The datetime-local form of a time (UTC, to the second). */
export function localInput(value: Date): string {
  return value.toISOString().slice(0, 19);
}
