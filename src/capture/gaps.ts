import { sql } from 'kysely';
import { chunks, IDS_PER_STATEMENT } from '../db/chunks.js';
import type { Db, Trx } from '../db/dialect.js';
import type { AnySelect, SqlDialect } from '../db/sql-dialect.js';
import type { KeyedRow } from '../outbox/crm/source-object.js';
import type { GapRange } from '../db/ports/capture.js';
import type { CaptureContext } from './options.js';
import type { SourceObject } from '../outbox/crm/source-object.js';

/** Ranges re-read per source statement, each its own UNION ALL branch (3 parameters each). */
const RANGES_PER_READ = 100;
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

/** What one cycle read: rows that appeared in pending ranges, then rows past the watermark. */
export interface CycleRead {
  late: KeyedRow[];
  batch: KeyedRow[];
  /**
   * The highest key up to which every pending range was read whole: the last row's key when
   * the row limit cut the read short, else Infinity.
   */
  examinedThrough: number;
}

/**
 * The rows of the pending ranges and the rows past `after`, in key order, at most `limit`: one
 * statement, a UNION ALL of one bounded, ordered read per range plus the read past the
 * watermark, so an idle cycle with gaps pending costs no more round trips than one without,
 * and no engine can turn the ranges into a scan of what lies between them. Every range key is
 * below `after`, so the late rows come first and a full read leaves the watermark where it is.
 */
export async function readGapsAndNewRows(
  ctx: CaptureContext,
  db: Db,
  object: SourceObject,
  ranges: readonly GapRange[],
  after: number,
  limit: number,
): Promise<CycleRead> {
  const { first } = ctx.source.dialect;
  const key = sql.ref(object.key);
  const read: CycleRead = { late: [], batch: [], examinedThrough: Infinity };
  const reads: GapRange[][] = ranges.length === 0 ? [[]] : [...chunks(ranges, RANGES_PER_READ)];
  for (const [c, chunk] of reads.entries()) {
    const room = limit - read.late.length;
    const bounded = (query: AnySelect) => first(query.orderBy(key), room);
    const branches = chunk.map((range) =>
      bounded(
        object
          .select(db)
          .where(sql<boolean>`${key} >= ${range.first}`)
          .where(sql<boolean>`${key} <= ${range.last}`),
      ),
    );
    if (c === reads.length - 1) branches.push(bounded(object.select(db).where(sql<boolean>`${key} > ${after}`)));
    const query =
      branches.length === 1
        ? (branches[0] as AnySelect)
        : first(
            db
              .selectFrom(
                branches
                  .map((branch, b) => db.selectFrom(branch.as(`r${b}`)).selectAll())
                  .reduce((all, branch) => all.unionAll(branch))
                  .as('cycle'),
              )
              .selectAll()
              .orderBy(sql.ref('cycle.key')),
            room,
          );
    const rows = ((await query.execute()) as KeyedRow[]).map((row) => ({ ...row, key: Number(row.key) }));
    for (const row of rows) (row.key > after ? read.batch : read.late).push(row);
    if (rows.length >= room) {
      read.examinedThrough = (rows[rows.length - 1] as KeyedRow).key;
      break;
    }
  }
  return read;
}

/** The cycle's changes to the object's ranges, written in its transaction. */
export interface GapWrites {
  removed: readonly GapRange[];
  added: readonly GapRange[];
  expired: readonly GapRange[];
}

export async function writeGapRanges(trx: Trx, dialect: SqlDialect, sourceName: string, writes: GapWrites, now: Date): Promise<void> {
  for (const part of chunks(
    writes.removed.map((r) => r.first),
    IDS_PER_STATEMENT,
  )) {
    await trx.deleteFrom('integration.CaptureGapRange').where('SourceName', '=', sourceName).where('FirstKey', 'in', part).execute();
  }
  if (writes.added.length > 0) await dialect.capture.insertGapRanges(trx, sourceName, writes.added);
  for (const part of chunks(writes.expired, EXPIRED_PER_STATEMENT)) {
    await trx
      .insertInto('integration.CaptureGapExpired')
      .values(
        part.map((r) => ({
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
