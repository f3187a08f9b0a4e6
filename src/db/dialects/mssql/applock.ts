import { sql } from 'kysely';
import type { Trx } from '../../dialect.js';

/**
 * Takes an exclusive application lock owned by the transaction. sp_getapplock returns >= 0 when
 * granted and -1 on a timeout, which @LockTimeout = 0 makes immediate; `busyCodes` are the
 * results that mean "held by another session" on this engine.
 * https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-getapplock-transact-sql
 */
export async function getAppLock(trx: Trx, resource: string, wait: boolean, busyCodes: readonly number[] = [-1]): Promise<boolean> {
  const result = await sql<{ granted: number }>`
    DECLARE @granted int;
    EXEC @granted = sp_getapplock @Resource = ${resource}, @LockMode = N'Exclusive',
      @LockOwner = N'Transaction', @LockTimeout = ${wait ? 60000 : 0};
    SELECT @granted AS granted;`.execute(trx);
  const granted = result.rows[0]?.granted ?? -999;
  if (granted >= 0) return true;
  if (!wait && busyCodes.includes(granted)) return false;
  throw new Error(`sp_getapplock on ${resource} failed with ${granted}`);
}
