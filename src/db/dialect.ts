import type { Kysely, Transaction } from 'kysely';
import type { Tables } from './tables.js';

export type DialectName = 'postgres' | 'mssql';
export type Db = Kysely<Tables>;
export type Trx = Transaction<Tables>;
