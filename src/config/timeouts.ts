/**
 * How long one statement waits for a lock another session holds before it fails with a lock
 * timeout (SQL Server 1222, PostgreSQL 55P03), which the service treats as transient. Without
 * it, one uncommitted CRM row or a held table lock blocks capture for good.
 */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/**
 * How long the client waits for one SQL Server request before cancelling it: finite, so a
 * server that stops answering on an open connection fails the request instead of hanging it;
 * long enough for a migration's index build on a large table.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
