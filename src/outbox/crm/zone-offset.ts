import { DateTime, IANAZone } from 'luxon';

const HOUR_MS = 3_600_000;
/** Enough hours for years of source timestamps; a full cache starts over rather than grow. */
const MAX_HOURS = 100_000;

/**
 * Wall clock to UTC in an IANA zone, with luxon's answer remembered per wall-clock hour. Luxon
 * costs microseconds per call, the bulk of a large burst in a non-UTC zone, while the offset it
 * finds changes only at a zone transition. An hour is remembered only when the zone keeps one
 * offset from an hour before the instants it names to an hour after: then every wall clock in it
 * names exactly one instant, at that offset. Hours at or near a transition (a spring-forward gap,
 * a repeated fall-back hour, a transition at an odd minute) always go through luxon, so the result
 * is luxon's in every case.
 */
export class ZoneClock {
  readonly #zone: IANAZone;
  /** Wall-clock hour ('YYYY-MM-DDTHH') → local-minus-UTC milliseconds, or null: ask luxon. */
  readonly #hours = new Map<string, number | null>();

  constructor(readonly name: string) {
    this.#zone = IANAZone.create(name);
  }

  /** `text` is 'YYYY-MM-DDTHH:mm:ss.SSS', a wall clock in this zone. */
  utc(text: string): Date {
    const hour = text.slice(0, 13);
    let offset = this.#hours.get(hour);
    if (offset === undefined) {
      offset = this.#steadyOffset(hour);
      if (this.#hours.size >= MAX_HOURS) this.#hours.clear();
      this.#hours.set(hour, offset);
    }
    const local = Date.parse(`${text}Z`);
    // Anything not a plain valid wall clock goes to luxon, which names the problem.
    return offset === null || Number.isNaN(local) ? this.#luxon(text) : new Date(local - offset);
  }

  #steadyOffset(hour: string): number | null {
    const start = Date.parse(`${hour}:00:00.000Z`);
    if (Number.isNaN(start)) return null;
    const offset = start - this.#luxon(`${hour}:00:00.000`).getTime();
    const instant = start - offset;
    const steady = [instant - HOUR_MS, instant, instant + HOUR_MS, instant + 2 * HOUR_MS].every(
      (at) => this.#zone.offset(at) * 60_000 === offset,
    );
    return steady ? offset : null;
  }

  #luxon(text: string): Date {
    const local = DateTime.fromISO(text, { zone: this.#zone });
    if (!local.isValid) throw new Error(`source datetime ${text} cannot be read in zone ${this.name}`);
    return local.toJSDate();
  }
}
