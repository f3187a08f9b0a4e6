import type { WallClock } from '../../db/source-tables.js';
import { dateText, wallClockText } from '../../db/wall-clock.js';
import { utcText } from '../envelope.js';
import { ZoneClock } from './zone-offset.js';

const clocks = new Map<string, ZoneClock>();

/**
 * A source datetime (the CRM server's wall clock, no offset) as the UTC instant it names in the
 * configured IANA zone. Luxon applies that zone's rules for the date itself, so DST is included;
 * a wall clock that falls in a spring-forward gap moves forward by the gap, as the CRM's clock did.
 */
export function sourceUtc(value: WallClock, zone: string): Date {
  // A UTC CRM needs no zone rules: skip luxon, which is the costliest step of a large burst.
  if (zone === 'UTC') return new Date(`${wallClockText(value)}Z`);
  let clock = clocks.get(zone);
  if (!clock) clocks.set(zone, (clock = new ZoneClock(zone)));
  return clock.utc(wallClockText(value));
}

/** ISO 8601 UTC with a Z, for payload timestamps. */
export function sourceUtcText(value: WallClock, zone: string): string {
  return utcText(sourceUtc(value, zone));
}

/** 'YYYY-MM-DD' for a date column (no time, so no zone). */
export { dateText };

/** Money as a JSON number with at most 4 decimals. */
export function money(value: number | string | null): number | null {
  return value === null ? null : Math.round(Number(value) * 10000) / 10000;
}
