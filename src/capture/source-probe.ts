import { sql } from 'kysely';
import type { Db } from '../db/dialect.js';
import type { SourceObject } from '../outbox/crm/source-object.js';

/**
 * The newest key of every object in one round trip, from each key's own table by its primary key
 * (an index seek each): between the loop's full passes this tells which objects have new rows,
 * so an idle object costs nothing and a busy one is read at once.
 */
export async function newestKeys(db: Db, objects: readonly SourceObject[]): Promise<Map<SourceObject, number>> {
  const parts = objects.map((object, index) => {
    const column = object.key.slice(object.key.lastIndexOf('.') + 1);
    return sql`SELECT ${sql.lit(index)} AS i, max(${sql.ref(column)}) AS newest FROM ${sql.table(object.keyTable ?? object.name)}`;
  });
  const result = await sql<{ i: number; newest: unknown }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db);
  const newest = new Map<SourceObject, number>();
  for (const row of result.rows) newest.set(objects[Number(row.i)] as SourceObject, Number(row.newest ?? 0));
  return newest;
}
