import type { GapRange, KeyRange } from '../db/ports/capture.js';

export const keyCount = (ranges: readonly KeyRange[]): number => ranges.reduce((sum, r) => sum + r.last - r.first + 1, 0);

/** The keys after `after` and below the highest of `sortedKeys` that are not among them, as ranges. */
export function missingRanges(after: number, sortedKeys: readonly number[]): KeyRange[] {
  const ranges: KeyRange[] = [];
  let expected = after + 1;
  for (const key of sortedKeys) {
    if (key > expected) ranges.push({ first: expected, last: key - 1 });
    expected = Math.max(expected, key + 1);
  }
  return ranges;
}

/** What one cycle does to the pending ranges it re-read. */
export interface SettledGaps {
  /** Ranges whose rows deleted: a key in them was found, or they expired. */
  removed: GapRange[];
  /** What is still missing of the removed ranges that found keys, with their original time. */
  pieces: GapRange[];
  /** Ranges or pieces given up: missing since before `expireBefore` and read in this cycle. */
  expired: GapRange[];
  /** Every range still pending after the cycle, pieces included (new ranges excluded). */
  pending: GapRange[];
}

/**
 * Cuts the keys found out of the pending ranges, and gives up on what is older than
 * `expireBefore`, but only where this cycle's read covered it (`examinedThrough`: the read
 * stopped at its row limit there), so every range is read once more after it has expired.
 * `ranges` and `found` are in key order; every found key lies in one of the ranges.
 */
export function settleGaps(
  ranges: readonly GapRange[],
  found: readonly number[],
  examinedThrough: number,
  expireBefore: Date,
): SettledGaps {
  const settled: SettledGaps = { removed: [], pieces: [], expired: [], pending: [] };
  const expiring = (r: GapRange) => r.seenUtc < expireBefore && r.last <= examinedThrough;
  let f = 0;
  for (const range of ranges) {
    while (f < found.length && (found[f] as number) < range.first) f++;
    const inRange: number[] = [];
    for (; f < found.length && (found[f] as number) <= range.last; f++) inRange.push(found[f] as number);
    if (inRange.length === 0) {
      if (expiring(range)) {
        settled.removed.push(range);
        settled.expired.push(range);
      } else settled.pending.push(range);
      continue;
    }
    settled.removed.push(range);
    let next = range.first;
    for (const key of [...inRange, range.last + 1]) {
      if (key > next) {
        const piece = { first: next, last: key - 1, seenUtc: range.seenUtc };
        if (expiring(piece)) settled.expired.push(piece);
        else {
          settled.pieces.push(piece);
          settled.pending.push(piece);
        }
      }
      next = key + 1;
    }
  }
  return settled;
}
