import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DialectName } from '../db/dialect.js';

export interface MigrationFile {
  version: number;
  name: string;
  file: string;
  sql: string;
  /** sha256 of the file with line endings normalised, so a Windows checkout matches. */
  checksum: string;
}

export const SQL_ROOT = fileURLToPath(new URL('../../../sql/', import.meta.url));
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

export function listMigrationFiles(dialect: DialectName, root = SQL_ROOT): MigrationFile[] {
  const folder = path.join(root, dialect);
  const files = readdirSync(folder)
    // Only numbered files are migrations; others beside them (grants.sql) are templates for DBAs.
    .filter((name) => /^\d{4}_/.test(name) && name.endsWith('.sql'))
    .sort()
    .map((name) => {
      const match = FILE_NAME.exec(name);
      if (!match) throw new Error(`${path.join(folder, name)}: migration files are named NNNN_snake_name.sql`);
      const sql = readFileSync(path.join(folder, name), 'utf8').replace(/\r\n/g, '\n');
      return { version: Number(match[1]), name: match[2] as string, file: path.join(folder, name), sql, checksum: migrationChecksum(sql) };
    });
  // Numbers are reserved per change so that work done in parallel merges without renumbering:
  // a number may be missing, but never used twice, and 0 is not one.
  files.forEach((file, index) => {
    const previous = files[index - 1];
    if (file.version < 1 || (previous && previous.version === file.version)) {
      throw new Error(
        `${file.file}: migration number ${file.version} is ${file.version < 1 ? 'not above 0' : 'used by two files'}; give each file its own number`,
      );
    }
  });
  return files;
}
