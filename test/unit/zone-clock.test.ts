import { expect } from 'chai';
import { DateTime } from 'luxon';
import { ZoneClock } from '../../src/outbox/crm/zone-offset.js';

const luxonUtc = (text: string, zone: string): string => DateTime.fromISO(text, { zone }).toJSDate().toISOString();

/** Every `stepMinutes` of wall clock from `from` for `days`, at an odd second and millisecond. */
function wallClocks(from: string, days: number, stepMinutes: number): string[] {
  const texts: string[] = [];
  const start = Date.parse(`${from}T00:00:00.000Z`);
  for (let at = start; at < start + days * 86_400_000; at += stepMinutes * 60_000) {
    texts.push(new Date(at + 17_250).toISOString().slice(0, 23));
  }
  return texts;
}

describe('ZoneClock', () => {
  // Spring-forward gaps, repeated fall-back hours, half-hour offsets and shifts, a skipped day.
  const cases: [zone: string, from: string, days: number][] = [
    ['America/New_York', '2026-03-07', 3],
    ['America/New_York', '2026-10-31', 3],
    ['Europe/London', '2026-03-28', 3],
    ['Europe/London', '2026-10-24', 3],
    ['Australia/Lord_Howe', '2026-04-04', 3],
    ['Australia/Lord_Howe', '2026-10-03', 3],
    ['America/St_Johns', '2026-03-07', 3],
    ['Asia/Kathmandu', '2026-01-01', 1],
    ['Pacific/Apia', '2011-12-28', 4],
  ];
  for (const [zone, from, days] of cases) {
    it(`gives luxon's instant for every wall clock in ${zone} from ${from}`, () => {
      const clock = new ZoneClock(zone);
      // Twice over: the second pass reads the remembered hours.
      for (let pass = 0; pass < 2; pass++) {
        for (const text of wallClocks(from, days, 7)) expect(clock.utc(text).toISOString(), text).to.equal(luxonUtc(text, zone));
      }
    });
  }

  it('refuses what is not a wall clock, even in a remembered hour', () => {
    const clock = new ZoneClock('America/New_York');
    expect(clock.utc('2026-01-28T10:00:00.000').toISOString()).to.equal('2026-01-28T15:00:00.000Z');
    expect(() => clock.utc('2026-01-28T10:61:00.000')).to.throw(/cannot be read in zone America\/New_York/);
    expect(() => new ZoneClock('Nowhere/Atlantis').utc('2026-01-28T10:00:00.000')).to.throw(/cannot be read/);
  });
});
