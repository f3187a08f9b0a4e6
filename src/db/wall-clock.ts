import type { WallClock } from './source-tables.js';

/** A UTC instant as the 'YYYY-MM-DDTHH:mm:ss.SSS' text the store's JSON batches carry (read as UTC). */
export const utcStoreText = (at: Date): string => at.toISOString().slice(0, 23);

/** 'YYYY-MM-DDTHH:mm:ss.SSS' for a source datetime, whichever driver read it. */
export function wallClockText(value: WallClock): string {
  if (value instanceof Date) return utcStoreText(value);
  const text = value.replace(' ', 'T');
  return /\.\d+$/.test(text) ? text.slice(0, 23).padEnd(23, '0') : `${text}.000`;
}

/** 'YYYY-MM-DD' for a source date column. */
export function dateText(value: WallClock): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : value.slice(0, 10);
}
