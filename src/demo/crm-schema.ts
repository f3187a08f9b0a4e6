import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from '../db/connect.js';

/** The demo CRM's scripts, one folder per dialect (sql/demo/<dialect>/). */
const DEMO_SQL = fileURLToPath(new URL('../../../sql/demo/', import.meta.url));

/** True once the demo CRM's tables exist (INFORMATION_SCHEMA reads the same on both engines). */
export async function demoCrmExists(source: Database): Promise<boolean> {
  const result = await sql<{ found: number }>`
    SELECT COUNT(*) AS found FROM INFORMATION_SCHEMA.TABLES
    WHERE TABLE_SCHEMA = 'dbo' AND TABLE_NAME = 'Client'`.execute(source.db);
  return Number(result.rows[0]?.found ?? 0) > 0;
}

/** Creates the demo CRM objects and their seed rows, in one transaction, unless present. */
export async function ensureDemoCrm(source: Database): Promise<boolean> {
  if (await demoCrmExists(source)) return false;
  const folder = path.join(DEMO_SQL, source.dialect.name);
  const scripts = ['crm.sql', 'seed.sql'].map((name) => readFileSync(path.join(folder, name), 'utf8'));
  await source.db.transaction().execute(async (trx) => {
    for (const script of scripts) {
      for (const batch of source.dialect.migration.splitBatches(script)) await sql.raw(batch).execute(trx);
    }
  });
  return true;
}
