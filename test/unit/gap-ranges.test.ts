import { expect } from 'chai';
import type { GapRange } from '../../src/db/ports/capture.js';
import { keyCount, missingRanges, settleGaps } from '../../src/capture/gap-ranges.js';

const at = (iso: string) => new Date(iso);
const old = at('2026-01-28T11:00:00Z');
const recent = at('2026-01-28T11:59:00Z');
const expireBefore = at('2026-01-28T11:50:00Z');
const keys = (ranges: readonly GapRange[]) => ranges.map((r) => [r.first, r.last]);

describe('capture gap ranges', () => {
  it('lists the keys passed without being read as ranges, however far apart', () => {
    expect(missingRanges(10, [11, 12, 15, 1_000_017, 1_000_018])).to.deep.equal([
      { first: 13, last: 14 },
      { first: 16, last: 1_000_016 },
    ]);
    expect(missingRanges(10, [])).to.deep.equal([]);
    expect(missingRanges(10, [11, 12])).to.deep.equal([]);
    expect(keyCount(missingRanges(0, [1_000_001]))).to.equal(1_000_000);
  });

  it('cuts found keys out of their range, keeping its time, and leaves untouched ranges pending', () => {
    const ranges = [
      { first: 1, last: 10, seenUtc: recent },
      { first: 20, last: 20, seenUtc: recent },
    ];
    const settled = settleGaps(ranges, [1, 5, 6, 10], Infinity, expireBefore);
    expect(keys(settled.removed)).to.deep.equal([[1, 10]]);
    expect(keys(settled.pieces)).to.deep.equal([
      [2, 4],
      [7, 9],
    ]);
    expect(settled.pieces.every((p) => p.seenUtc === recent)).to.equal(true);
    expect(keys(settled.pending)).to.deep.equal([
      [2, 4],
      [7, 9],
      [20, 20],
    ]);
    expect(settled.expired).to.deep.equal([]);
  });

  it('gives up on expired ranges and pieces only where the read covered them', () => {
    const ranges = [
      { first: 1, last: 10, seenUtc: old },
      { first: 20, last: 30, seenUtc: old },
      { first: 40, last: 50, seenUtc: old },
    ];
    // The read stopped at its row limit on key 25: 26..30 and 40..50 were not read this cycle.
    const settled = settleGaps(ranges, [5, 25], 25, expireBefore);
    expect(keys(settled.expired)).to.deep.equal([
      [1, 4],
      [6, 10],
      [20, 24],
    ]);
    expect(keys(settled.pending)).to.deep.equal([
      [26, 30],
      [40, 50],
    ]);
    expect(keys(settled.removed)).to.deep.equal([
      [1, 10],
      [20, 30],
    ]);
    expect(keys(settled.pieces)).to.deep.equal([[26, 30]]);
  });

  it('removes a whole range whose every key was found', () => {
    const settled = settleGaps([{ first: 3, last: 4, seenUtc: old }], [3, 4], Infinity, expireBefore);
    expect(keys(settled.removed)).to.deep.equal([[3, 4]]);
    expect(settled.pieces).to.deep.equal([]);
    expect(settled.expired).to.deep.equal([]);
    expect(settled.pending).to.deep.equal([]);
  });
});
