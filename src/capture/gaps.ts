import { sql } from 'kysely';
import type { Db, SqlDialect, Trx } from '../db/dialect.js';
import type { KeyedRow } from './engine.js';
import type { GapRange } from './gap-ranges.js';
import type { CaptureContext } from './options.js';
import type { SourceObject } from './source-object.js';

/**
 * Ranges re-read per source statement: each is its own bounded, ordered index seek (a UNION ALL
 * branch), so no engine can turn a list of ranges into a scan of everything between them.
 */
const RANGES_PER_READ = 100;
/** Keys per IN list: under SQL Server's 2,100 parameters. */
const KEYS_PER_STATEMENT = 1000;
/** Rows per multi-row VALUES insert of five columns: 2,000 parameters. */
const EXPIRED_PER_STATEMENT = 400;

/** Every pending range of the object, in key order: one row per range, however many keys. */
export async function pendingGapRanges(trx: Trx, sourceName: string): Promise<GapRange[]> {
  const rows = await trx
    .selectFrom('integration.CaptureGapRange')
    .select(['FirstKey', 'LastKey', 'FirstSeenUtc'])
    .where('SourceName', '=', sourceName)
    .orderBy('FirstKey')
    .execute();
  return rows.map((r) => ({ first: Number(r.FirstKey), last: Number(r.LastKey), seenUtc: new Date(r.FirstSeenUtc) }));
}

/**
 * The object's rows inside the ranges, in key order, at most `limit`. `examinedThrough` is the
 * highest key up to which every range was read whole: the last row's key when the limit cut
 * the read short, else Infinity.
 */
export async function readGapRanges(
  ctx: CaptureContext,
  db: Db,
  object: SourceObject,
  ranges: readonly GapRange[],
  limit: number,
): Promise<{ rows: KeyedRow[]; examinedThrough: number }> {
  const { first } = ctx.source.dialect.capture;
  const key = sql.ref(object.key);
  const rows: KeyedRow[] = [];
  for (let i = 0; i < ranges.length; i += RANGES_PER_READ) {
    const room = limit - rows.length;
    const branches = ranges.slice(i, i + RANGES_PER_READ).map((range, b) =>
      db
        .selectFrom(
          first(
            object
              .select(db)
              .where(sql<boolean>`${key} >= ${range.first}`)
              .where(sql<boolean>`${key} <= ${range.last}`)
              .orderBy(key),
            room,
          ).as(`g${b}`),
        )
        .selectAll(),
    );
    const union = branches.slice(1).reduce((all, branch) => all.unionAll(branch), branches[0] as (typeof branches)[number]);
    const found = (await first(db.selectFrom(union.as('gaps')).selectAll().orderBy(sql.ref('gaps.key')), room).execute()) as KeyedRow[];
    rows.push(...found.map((row) => ({ ...row, key: Number(row.key) })));
    if (found.length >= room) return { rows, examinedThrough: (rows[rows.length - 1] as KeyedRow).key };
  }
  return { rows, examinedThrough: Infinity };
}

/** The cycle's changes to the object's ranges, written in its transaction. */
export interface GapWrites {
  removed: readonly GapRange[];
  added: readonly GapRange[];
  expired: readonly GapRange[];
}

export async function writeGapRanges(trx: Trx, dialect: SqlDialect, sourceName: string, writes: GapWrites, now: Date): Promise<void> {
  const removedKeys = writes.removed.map((r) => r.first);
  for (let i = 0; i < removedKeys.length; i += KEYS_PER_STATEMENT) {
    await trx
      .deleteFrom('integration.CaptureGapRange')
      .where('SourceName', '=', sourceName)
      .where('FirstKey', 'in', removedKeys.slice(i, i + KEYS_PER_STATEMENT))
      .execute();
  }
  if (writes.added.length > 0) await dialect.capture.insertGapRanges(trx, sourceName, writes.added);
  for (let i = 0; i < writes.expired.length; i += EXPIRED_PER_STATEMENT) {
    await trx
      .insertInto('integration.CaptureGapExpired')
      .values(
        writes.expired.slice(i, i + EXPIRED_PER_STATEMENT).map((r) => ({
          SourceName: sourceName,
          ExpiredUtc: now,
          FirstKey: r.first,
          LastKey: r.last,
          FirstSeenUtc: r.seenUtc,
        })),
      )
      .execute();
  }
}
